package io.gatehouse.core.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One vulnerability in one installed package.
 *
 * @param vulnerabilityId  the CVE id where the advisory has one (so reports from different feeds line up), else the
 *                         advisory's own id (GHSA-…, ALPINE-…)
 * @param aliases          the other ids of the same vulnerability (advisory ids, GHSA ids)
 * @param packageType      purl type of the package: deb, apk, maven, npm, pypi
 * @param installedVersion the version found in the image
 * @param fixedVersion     the first version that fixes it, or null when no fix exists (an "unfixed" finding)
 * @param severitySource   where {@code severity} came from: the vendor ({@code debian}, {@code ghsa}, {@code alpine}…)
 *                         or a CVSS score ({@code nvd-cvss-v3.1}, {@code osv-cvss-v3.1}, {@code nvd-cvss-v4.0});
 *                         null when UNKNOWN
 * @param dataSource       the advisory feed the match came from (osv, debian-tracker, alpine-secdb, ghsa…)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(String vulnerabilityId, List<String> aliases, String packageName, String installedVersion,
                      String purl, String packageType, String sourcePackage, String layerDigest, String location,
                      String fixedVersion, Severity severity, String severitySource, Double cvssScore,
                      String cvssVector, String title, String description, String dataSource) {
    public Finding {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        severity = severity == null ? Severity.UNKNOWN : severity;
    }

    /** A fix exists: upgrading the package to {@link #fixedVersion} removes this finding. */
    @JsonIgnore
    public boolean fixable() {
        return fixedVersion != null && !fixedVersion.isEmpty();
    }
}
