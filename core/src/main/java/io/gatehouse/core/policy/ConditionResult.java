package io.gatehouse.core.policy;

/**
 * One condition's outcome, worded for people (the registry's refusal messages and the Jenkins build page show it).
 *
 * @param name     stable id such as {@code vulnerabilities.critical}, {@code report.maxAge}, {@code signatures.anyOf}
 * @param expected what the policy asks for
 * @param actual   what the image has
 * @param reason   why it passed or failed, naming the CVEs or keys involved
 */
public record ConditionResult(String name, String expected, String actual, boolean passed, String reason) {
    @Override
    public String toString() {
        return (passed ? "PASS " : "FAIL ") + name + ": expected " + expected + ", actual " + actual + (reason == null || reason.isEmpty() ? "" : " — " + reason);
    }
}
