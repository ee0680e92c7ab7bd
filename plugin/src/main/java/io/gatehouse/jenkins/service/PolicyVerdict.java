package io.gatehouse.jenkins.service;

import java.util.List;

/** A policy evaluation, explained: the overall result and each condition's verdict with its reason. */
public record PolicyVerdict(String policy, boolean allowed, List<Condition> conditions) {
    public PolicyVerdict {
        conditions = List.copyOf(conditions);
    }

    public record Condition(String name, boolean passed, String reason) {
    }

    /**
     * One condition as the build log shows it, the same for scanImage (evaluated here) and promoteImage (evaluated by
     * the registry): "expected 0, actual 2 — CVE-…". Without expected and actual, a passing condition printed as
     * {@code [PASS] vulnerabilities.critical: } with nothing after the colon.
     */
    public static String describe(String expected, String actual, String reason) {
        String because = reason == null || reason.isBlank() ? "" : " — " + reason;
        return "expected " + (expected == null ? "-" : expected) + ", actual " + (actual == null ? "-" : actual) + because;
    }
}
