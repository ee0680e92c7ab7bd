package io.gatehouse.registry.scan.version;

import java.util.Locale;

/** Picks the comparator for an OSV ecosystem name ("Debian:12", "Alpine:v3.11", "Maven", "npm", "PyPI"…). */
public final class Comparators {
    private Comparators() {
    }

    public static VersionComparator forEcosystem(String ecosystem) {
        String e = ecosystem == null ? "" : ecosystem.toLowerCase(Locale.ROOT);
        int colon = e.indexOf(':');
        if (colon >= 0) {
            e = e.substring(0, colon);
        }
        return switch (e) {
            case "debian", "ubuntu" -> DpkgVersionComparator.INSTANCE;
            case "alpine", "wolfi", "chainguard" -> ApkVersionComparator.INSTANCE;
            case "pypi" -> Pep440Comparator.INSTANCE;
            case "npm", "go", "crates.io", "nuget", "packagist", "rubygems", "hex", "pub" -> SemverComparator.INSTANCE;
            default -> MavenVersionComparator.INSTANCE; // Maven and anything unknown: the most forgiving ordering
        };
    }
}
