package io.gatehouse.core.report;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of findings per severity, all and fixable only. Every severity is present in both maps (0 when none), so
 * a policy "at most 0 CRITICAL" never meets a missing key.
 */
public record ScanSummary(Map<Severity, Integer> counts, Map<Severity, Integer> fixableCounts, int total,
                          int fixableTotal) {
    public ScanSummary {
        counts = Map.copyOf(counts);
        fixableCounts = Map.copyOf(fixableCounts);
    }

    public static ScanSummary of(Collection<Finding> findings) {
        Map<Severity, Integer> all = new EnumMap<>(Severity.class);
        Map<Severity, Integer> fixable = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            all.put(s, 0);
            fixable.put(s, 0);
        }
        int fixableTotal = 0;
        for (Finding f : findings) {
            all.merge(f.severity(), 1, Integer::sum);
            if (f.fixable()) {
                fixable.merge(f.severity(), 1, Integer::sum);
                fixableTotal++;
            }
        }
        return new ScanSummary(all, fixable, findings.size(), fixableTotal);
    }

    public int count(Severity s) {
        return counts.getOrDefault(s, 0);
    }

    /** Findings of severity {@code s} or worse. */
    public int countAtLeast(Severity s) {
        int n = 0;
        for (Map.Entry<Severity, Integer> e : counts.entrySet()) {
            if (e.getKey().atLeast(s)) {
                n += e.getValue();
            }
        }
        return n;
    }
}
