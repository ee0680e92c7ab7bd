package io.gatehouse.jenkins.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * scanImage's {@code failOn}: a severity threshold ({@code LOW} … {@code CRITICAL}: that severity or worse), and/or
 * {@code UNKNOWN}: any finding without a severity. Both may be given, comma-separated ({@code 'HIGH,UNKNOWN'}).
 *
 * <p>UNKNOWN is not a step on the severity ladder: data that rates nothing (Debian's changelog data, some OSV feeds)
 * gives only UNKNOWN findings, which a threshold such as HIGH never matches, so such an image passed every threshold.
 * Naming UNKNOWN makes those findings fail the build too, without making every LOW one fail it.
 *
 * @param threshold the lowest rated severity that fails, or null
 * @param unknown   whether findings without a severity fail
 */
public record FailOn(Severity threshold, boolean unknown) {
    public FailOn {
        if (threshold == Severity.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN is not a threshold: use unknown = true");
        }
    }

    /** Null for a blank value (severities alone never fail the build). */
    public static FailOn parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Severity threshold = null;
        boolean unknown = false;
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            Severity s;
            try {
                s = Severity.valueOf(p.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("failOn: unknown severity '" + p
                        + "': use one of LOW, MEDIUM, HIGH, CRITICAL, and/or UNKNOWN (findings without a severity), e.g. 'HIGH,UNKNOWN'");
            }
            if (s == Severity.UNKNOWN) {
                unknown = true;
            } else if (threshold != null && threshold != s) {
                throw new IllegalArgumentException("failOn: give one threshold, not " + threshold + " and " + s
                        + " (a threshold already includes every worse severity)");
            } else {
                threshold = s;
            }
        }
        if (threshold == null && !unknown) {
            throw new IllegalArgumentException("failOn: no severity in '" + text + "'");
        }
        return new FailOn(threshold, unknown);
    }

    /** Why {@code summary} fails this, one phrase per reason; empty when it passes. */
    public List<String> reasons(ScanSummary summary) {
        List<String> out = new ArrayList<>();
        if (threshold != null && summary.hasAtLeast(threshold)) {
            int n = 0;
            for (Severity s : Severity.values()) {
                if (s != Severity.UNKNOWN && s.atLeast(threshold)) {
                    n += summary.count(s);
                }
            }
            out.add(n + " finding(s) at or above " + threshold);
        }
        if (unknown && summary.count(Severity.UNKNOWN) > 0) {
            out.add(summary.count(Severity.UNKNOWN) + " finding(s) without a severity (UNKNOWN)");
        }
        return out;
    }

    @Override
    public String toString() {
        return threshold == null ? "UNKNOWN" : unknown ? threshold + ",UNKNOWN" : threshold.name();
    }
}
