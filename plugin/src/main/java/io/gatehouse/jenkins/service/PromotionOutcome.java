package io.gatehouse.jenkins.service;

/**
 * The promotion's verdict and, when it held, the promoted reference with its digest ({@code host/dev/alpine:3.20@sha256:…}),
 * the id of the registry key that signed the promoted image (null when the registry does not sign) and the digest of
 * the provenance record attached to it (null when not promoted).
 */
public record PromotionOutcome(PolicyVerdict verdict, String promotedReference, String signedBy, String provenance) {
    public PromotionOutcome(PolicyVerdict verdict, String promotedReference) {
        this(verdict, promotedReference, null, null);
    }

    public boolean promoted() {
        return verdict.allowed() && promotedReference != null;
    }
}
