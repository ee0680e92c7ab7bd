package io.gatehouse.registry.scan.version;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence (npm, and OSV's SEMVER ranges): {@code major.minor.patch}, then a release
 * is greater than any of its pre-releases, pre-release identifiers compare numerically when numeric and as ASCII
 * otherwise (numeric &lt; alphanumeric), more identifiers win when all shared ones are equal; build metadata is ignored.
 * Leniency for real data: a leading {@code v} or {@code =}, and missing minor or patch (read as 0).
 */
public final class SemverComparator implements VersionComparator {

    public static final SemverComparator INSTANCE = new SemverComparator();

    private static final Pattern SEMVER = Pattern.compile(
            "^[v=]?\\s*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]+))?(?:\\+([0-9A-Za-z.-]+))?$");

    @Override
    public int compare(String a, String b) {
        Matcher ma = SEMVER.matcher(a.trim());
        Matcher mb = SEMVER.matcher(b.trim());
        if (!ma.matches() || !mb.matches()) {
            // Not semver at all: fall back to Maven's generic rules, which order any dotted string sensibly.
            return MavenVersionComparator.INSTANCE.compare(a, b);
        }
        for (int g = 1; g <= 3; g++) {
            int c = num(ma.group(g)).compareTo(num(mb.group(g)));
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        String pa = ma.group(4);
        String pb = mb.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] ia = pa.split("\\.");
        String[] ib = pb.split("\\.");
        for (int k = 0; k < Math.min(ia.length, ib.length); k++) {
            boolean na = ia[k].chars().allMatch(Character::isDigit);
            boolean nb = ib[k].chars().allMatch(Character::isDigit);
            int c;
            if (na && nb) {
                c = new BigInteger(ia[k]).compareTo(new BigInteger(ib[k]));
            } else if (na != nb) {
                c = na ? -1 : 1;
            } else {
                c = ia[k].compareTo(ib[k]);
            }
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.compare(ia.length, ib.length);
    }

    private static BigInteger num(String s) {
        return s == null ? BigInteger.ZERO : new BigInteger(s);
    }

    @Override
    public boolean isValid(String version) {
        return SEMVER.matcher(version.trim()).matches();
    }
}
