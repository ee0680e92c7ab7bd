package io.gatehouse.registry.scan.vulndb;

import io.gatehouse.core.report.Severity;

import java.util.List;

/**
 * One advisory as the store keeps it, whatever feed it came from.
 *
 * @param source         the feed: {@code ghsa}, {@code osv}, {@code debian-tracker}, {@code alpine-secdb}…
 * @param severity       the feed's own severity for the whole advisory, or null
 * @param cvssScore      a CVSS base score the feed itself gives (computed from its vector), or null
 */
public record Advisory(String source, String id, List<String> aliases, String title, String description,
                       Severity severity, String severitySource, Double cvssScore, String cvssVector,
                       String published, String modified, List<AffectedPackage> affected) {
    public Advisory {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        affected = affected == null ? List.of() : List.copyOf(affected);
    }

    /** A range in OSV's model: events in any order; type ECOSYSTEM, SEMVER (or GIT, which we cannot evaluate). */
    public record Range(String type, List<Event> events) {
        public Range {
            events = List.copyOf(events);
        }
    }

    /** kind is introduced, fixed, last_affected or limit. */
    public record Event(String kind, String version) {
    }

    /**
     * @param ecosystem OSV ecosystem: {@code Debian:12}, {@code Alpine:v3.11}, {@code Maven}, {@code npm}, {@code PyPI}
     * @param name      package name in that ecosystem (source package for Debian and Alpine)
     * @param severity  the vendor's severity for this package (Debian's per-release urgency), or null
     */
    public record AffectedPackage(String ecosystem, String name, List<Range> ranges, List<String> versions,
                                  Severity severity, String severitySource) {
        public AffectedPackage {
            ranges = ranges == null ? List.of() : List.copyOf(ranges);
            versions = versions == null ? List.of() : List.copyOf(versions);
        }
    }
}
