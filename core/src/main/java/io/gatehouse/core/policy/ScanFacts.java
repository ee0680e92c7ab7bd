package io.gatehouse.core.policy;

import io.gatehouse.core.report.ScanReport;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a policy needs from a scan report, and nothing more: when the image was scanned and its findings' ids,
 * severities and whether a fix exists. Kept separate from the full report model (io.gatehouse.core.report) so the
 * evaluator stays small; {@code ScanFacts.of(report)} adapts one to the other.
 *
 * @param imageDigest the digest the report is about (checked against the image being evaluated)
 * @param scannedAt   when the scan finished: the report's age is measured from here
 * @param warnings    what the scanner could not judge (an OS it could not identify, or has no data for); not empty
 *                    means the findings are not the whole truth, so no vulnerability limit can be said to hold
 */
public record ScanFacts(String imageDigest, Instant scannedAt, List<Finding> findings, List<String> warnings) {
    /** Severity names, worst first: the names of io.gatehouse.core.report.Severity. */
    public static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN");
    private static final Set<String> KNOWN = Set.copyOf(SEVERITIES);

    public ScanFacts {
        Objects.requireNonNull(scannedAt, "scannedAt");
        findings = findings == null ? List.of() : List.copyOf(findings);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Facts of a scan that judged everything it found. */
    public ScanFacts(String imageDigest, Instant scannedAt, List<Finding> findings) {
        this(imageDigest, scannedAt, findings, List.of());
    }

    /** The facts of a full scan report; its age counts from when the scan finished (or started, if unfinished). */
    public static ScanFacts of(ScanReport report) {
        String when = report.finishedAt() != null ? report.finishedAt() : report.startedAt();
        if (when == null) throw new IllegalArgumentException("the scan report has no time");
        Instant at = Instant.parse(when);
        return new ScanFacts(report.imageDigest(), at, report.findings().stream()
                .map(f -> new Finding(f.vulnerabilityId(), f.aliases(), f.severity().name(), f.fixable(), f.packageName()))
                .toList(), report.warnings());
    }

    /**
     * @param id       CVE id or advisory id
     * @param aliases  other ids of the same vulnerability (an allowlist entry matches any of them)
     * @param severity one of {@link #SEVERITIES}, any case
     * @param fixable  a fixed version exists
     */
    public record Finding(String id, List<String> aliases, String severity, boolean fixable, String packageName) {
        public Finding {
            Objects.requireNonNull(id, "id");
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            severity = severity == null ? "UNKNOWN" : severity.toUpperCase(Locale.ROOT);
            if (!KNOWN.contains(severity)) throw new IllegalArgumentException("unknown severity " + severity);
        }

        boolean hasId(String other) {
            return id.equalsIgnoreCase(other) || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(other));
        }
    }
}
