package io.gatehouse.core.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy's decision with its explanation: every condition, its expected and actual value, pass or fail. */
public record Verdict(String policy, boolean passed, List<ConditionResult> conditions) {
    public Verdict {
        conditions = List.copyOf(conditions);
    }

    public List<ConditionResult> failures() {
        return conditions.stream().filter(c -> !c.passed()).toList();
    }

    /** Multi-line text: a headline, then one line per condition. */
    public String explain() {
        String head = "policy " + policy + ": " + (passed ? "PASSED" : "FAILED (" + failures().size() + " of " + conditions.size() + " conditions)");
        if (conditions.isEmpty()) return head + " (no conditions)";
        return head + "\n" + conditions.stream().map(c -> "  " + c).collect(Collectors.joining("\n"));
    }
}
