package io.gatehouse.jenkins.service;

import java.util.List;

/** A policy evaluation, explained: the overall result and each condition's verdict with its reason. */
public record PolicyVerdict(String policy, boolean allowed, List<Condition> conditions) {
    public PolicyVerdict {
        conditions = List.copyOf(conditions);
    }

    public record Condition(String name, boolean passed, String reason) {
    }
}
