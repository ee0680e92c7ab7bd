package io.gatehouse.jenkins.service;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The summary of a scan report: counts per severity, the worst findings (most severe first), the most severe findings
 * that have a fix (what to upgrade first), the policy verdict (null when no policy was given) and the full report JSON
 * (archived as a build artifact).
 */
public record ScanSummary(String image, String digest, Map<Severity, Integer> counts, List<Finding> worst,
                          List<Finding> fixable, PolicyVerdict verdict, String reportJson) {
    public ScanSummary {
        counts = counts.isEmpty() ? new EnumMap<>(Severity.class) : new EnumMap<>(counts);
        worst = List.copyOf(worst);
        fixable = List.copyOf(fixable);
    }

    /** With the fixable findings taken from {@code worst} (those with a fixed version). */
    public ScanSummary(String image, String digest, Map<Severity, Integer> counts, List<Finding> worst, PolicyVerdict verdict, String reportJson) {
        this(image, digest, counts, worst, worst.stream().filter(f -> f.fixedVersion() != null).toList(), verdict, reportJson);
    }

    public int count(Severity s) {
        return counts.getOrDefault(s, 0);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * True when at least one rated finding is at or above {@code threshold}. UNKNOWN findings never count here (they
     * are not "at or above" anything); {@link FailOn} names them separately.
     */
    public boolean hasAtLeast(Severity threshold) {
        return counts.entrySet().stream().anyMatch(e -> e.getKey() != Severity.UNKNOWN && e.getKey().atLeast(threshold) && e.getValue() > 0);
    }
}
