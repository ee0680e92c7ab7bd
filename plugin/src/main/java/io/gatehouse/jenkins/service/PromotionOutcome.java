package io.gatehouse.jenkins.service;

/** The promotion's verdict and, when it held, the promoted reference with its digest ({@code dev/alpine:3.20@sha256:…}). */
public record PromotionOutcome(PolicyVerdict verdict, String promotedReference) {
    public boolean promoted() {
        return verdict.allowed() && promotedReference != null;
    }
}
