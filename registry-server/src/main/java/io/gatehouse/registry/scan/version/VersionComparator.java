package io.gatehouse.registry.scan.version;

import java.util.Comparator;

/**
 * Orders the version strings of one ecosystem. Implementations never throw on odd input: advisories and images
 * contain versions no grammar foresaw, and a scan must not fail on one of them. {@link #isValid} says whether a
 * string follows the ecosystem's grammar, for callers that want to warn.
 */
public interface VersionComparator extends Comparator<String> {

    boolean isValid(String version);

    /** The OSV "introduced: 0" sentinel: lower than every version of every ecosystem. */
    static boolean isZero(String version) {
        return "0".equals(version);
    }
}
