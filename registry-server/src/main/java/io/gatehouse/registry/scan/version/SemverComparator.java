package io.gatehouse.registry.scan.version;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence (npm, and OSV's SEMVER ranges): {@code major.minor.patch}, then a release
 * is greater than any of its pre-releases, pre-release identifiers compare numerically when numeric and as ASCII
 * otherwise (numeric &lt; alphanumeric), more identifiers win when all shared ones are equal; build metadata is ignored.
 * Leniency for real data: a leading {@code v} or {@code =}, and missing minor or patch (read as 0).
 *
 * <p>Strings that are not semver are placed by the same rules rather than by another ecosystem's (mixing two
 * orderings is not transitive, and advisory events are sorted with this comparator): their leading
 * {@code major.minor.patch} places them, what follows a {@code .} extends the release ({@code 1.2.3.4} after
 * {@code 1.2.3}), anything else is a pre-release ({@code 2.0.0rc1} before {@code 2.0.0}); on a tie a valid semver
 * comes first, and two invalid strings compare as text. Strings without a leading number come before all others.
 */
public final class SemverComparator implements VersionComparator {

    public static final SemverComparator INSTANCE = new SemverComparator();

    private static final String IDENTIFIERS = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
    private static final Pattern SEMVER = Pattern.compile(
            "^[v=]?\\s*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-(" + IDENTIFIERS + "))?(?:\\+(" + IDENTIFIERS + "))?$");
    private static final Pattern LEADING = Pattern.compile("^[v=]?\\s*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    private static final int PRE = 0;
    private static final int RELEASE = 1;
    private static final int EXTENDED = 2;

    /** What a version sorts by; see the class comment. */
    private record Key(boolean valid, BigInteger[] release, int rank, String[] tail) {
        static Key of(String version) {
            String v = version.trim();
            Matcher m = SEMVER.matcher(v);
            if (m.matches()) {
                String pre = m.group(4);
                return new Key(true, release(m), pre == null ? RELEASE : PRE,
                        pre == null ? new String[0] : pre.split("\\."));
            }
            m = LEADING.matcher(v);
            if (!m.lookingAt()) {
                return new Key(false, null, PRE, new String[0]);
            }
            String rest = v.substring(m.end());
            if (rest.isEmpty() || rest.startsWith("+")) {
                return new Key(false, release(m), RELEASE, new String[0]);
            }
            if (rest.startsWith(".")) {
                return new Key(false, release(m), EXTENDED, rest.substring(1).split("\\.", -1));
            }
            return new Key(false, release(m), PRE, (rest.startsWith("-") ? rest.substring(1) : rest).split("\\.", -1));
        }

        private static BigInteger[] release(Matcher m) {
            BigInteger[] r = new BigInteger[3];
            for (int g = 1; g <= 3; g++) {
                r[g - 1] = m.group(g) == null ? BigInteger.ZERO : new BigInteger(m.group(g));
            }
            return r;
        }
    }

    @Override
    public int compare(String a, String b) {
        Key ka = Key.of(a);
        Key kb = Key.of(b);
        if (ka.release() == null || kb.release() == null) {
            if (ka.release() != null || kb.release() != null) {
                return ka.release() == null ? -1 : 1;
            }
            return Integer.signum(a.compareTo(b));
        }
        for (int i = 0; i < 3; i++) {
            int c = ka.release()[i].compareTo(kb.release()[i]);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        if (ka.rank() != kb.rank()) {
            return Integer.compare(ka.rank(), kb.rank());
        }
        String[] ia = ka.tail();
        String[] ib = kb.tail();
        for (int k = 0; k < Math.min(ia.length, ib.length); k++) {
            int c = compareIdentifiers(ia[k], ib[k]);
            if (c != 0) {
                return c;
            }
        }
        if (ia.length != ib.length) {
            return Integer.compare(ia.length, ib.length);
        }
        if (ka.valid() != kb.valid()) {
            return ka.valid() ? -1 : 1;
        }
        return ka.valid() ? 0 : Integer.signum(a.compareTo(b));
    }

    private static int compareIdentifiers(String x, String y) {
        boolean nx = isNumeric(x);
        boolean ny = isNumeric(y);
        if (nx && ny) {
            return new BigInteger(x).compareTo(new BigInteger(y));
        }
        if (nx != ny) {
            return nx ? -1 : 1;
        }
        return Integer.signum(x.compareTo(y));
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isValid(String version) {
        return SEMVER.matcher(version.trim()).matches();
    }
}
