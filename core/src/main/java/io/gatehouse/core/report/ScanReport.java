package io.gatehouse.core.report;

import com.fasterxml.jackson.annotation.JsonInclude;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The result of scanning one image manifest against one build of the vulnerability database. This is the document
 * the registry stores next to the image (as an OCI artifact whose subject is the image), that policies evaluate and
 * that the Jenkins plugin shows. Findings are sorted worst first, then by package and id, so two scans of the same
 * image with the same database produce the same document.
 *
 * @param imageDigest     digest of the image manifest scanned
 * @param databaseVersion build id of the vulnerability database used (changes on every import)
 * @param scannerVersion  version of the scanner that produced the report
 * @param startedAt       ISO-8601 instant (text, so the records serialise with plain jackson-databind)
 * @param warnings        what the scanner could not judge (an OS it cannot identify, an OS it has no data for):
 *                        when not empty, "no findings" does not mean "no vulnerabilities". Empty lists are left out
 *                        of the JSON, so reports of fully judged images read as before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScanReport(String imageDigest, String repository, OsInfo os, String databaseVersion,
                         String scannerVersion, String startedAt, String finishedAt, List<Finding> findings,
                         ScanSummary summary,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    public static final String MEDIA_TYPE = "application/vnd.gatehouse.scan.report.v1+json";

    /** Worst first; then package, version, id — a stable order for diffs and golden files. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity).reversed()
            .thenComparing(Finding::packageName, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::installedVersion, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::vulnerabilityId)
            .thenComparing(Finding::location, Comparator.nullsFirst(Comparator.naturalOrder()));

    public ScanReport {
        findings = findings.stream().sorted(ORDER).toList();
        summary = summary == null ? ScanSummary.of(findings) : summary;
        warnings = warnings == null ? List.of() : List.copyOf(warnings); // reports stored before warnings existed
    }

    public static ScanReport of(String imageDigest, String repository, OsInfo os, String databaseVersion,
                                String scannerVersion, Instant startedAt, Instant finishedAt, List<Finding> findings) {
        return new ScanReport(imageDigest, repository, os, databaseVersion, scannerVersion, startedAt.toString(),
                finishedAt.toString(), findings, null, List.of());
    }

    /** This report, with what the scanner could not judge. */
    public ScanReport withWarnings(List<String> warnings) {
        return new ScanReport(imageDigest, repository, os, databaseVersion, scannerVersion, startedAt, finishedAt,
                findings, summary, warnings);
    }

    /** True when the scanner judged every package it found: no warnings. */
    @JsonIgnore
    public boolean complete() {
        return warnings.isEmpty();
    }

    /** When the scan finished, for policies on report age. */
    @JsonIgnore
    public Instant finishedAtInstant() {
        return Instant.parse(finishedAt);
    }
}
