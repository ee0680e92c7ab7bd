package io.gatehouse.registry.scan.version;

/**
 * Debian's version ordering, as deb-version(7) defines it and {@code dpkg --compare-versions} implements it:
 * {@code [epoch:]upstream[-revision]}. Epochs compare numerically; upstream and revision compare by alternating
 * non-digit parts (where {@code ~} sorts before everything, even the end of the string, and letters sort before
 * other characters) and digit parts (numerically). An absent epoch is 0 and an absent revision equals "0", which is
 * why {@code 1.0 = 1.0-0} and {@code 0:1.0 = 1.0}.
 */
public final class DpkgVersionComparator implements VersionComparator {

    public static final DpkgVersionComparator INSTANCE = new DpkgVersionComparator();

    private record Parts(String epoch, String upstream, String revision) {
    }

    private static Parts parse(String v) {
        String s = v.trim();
        String epoch = "0";
        int colon = s.indexOf(':');
        if (colon >= 0) {
            epoch = s.substring(0, colon);
            s = s.substring(colon + 1);
        }
        String revision = "";
        int dash = s.lastIndexOf('-');
        if (dash >= 0) {
            revision = s.substring(dash + 1);
            s = s.substring(0, dash);
        }
        return new Parts(epoch, s, revision);
    }

    @Override
    public int compare(String a, String b) {
        Parts pa = parse(a);
        Parts pb = parse(b);
        int c = compareNumeric(pa.epoch, 0, pa.epoch.length(), pb.epoch, 0, pb.epoch.length());
        if (c != 0) {
            return c;
        }
        c = verrevcmp(pa.upstream, pb.upstream);
        if (c != 0) {
            return c;
        }
        return verrevcmp(pa.revision, pb.revision);
    }

    @Override
    public boolean isValid(String version) {
        if (version == null || version.isBlank()) {
            return false;
        }
        Parts p = parse(version);
        if (!p.epoch.chars().allMatch(Character::isDigit) || p.epoch.isEmpty()) {
            return false;
        }
        if (p.upstream.isEmpty() || !Character.isDigit(p.upstream.charAt(0))) {
            return false;
        }
        for (char ch : (p.upstream + p.revision).toCharArray()) {
            if (!(Character.isLetterOrDigit(ch) && ch < 128) && ".+-~:".indexOf(ch) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Weight of a character in a non-digit part; 0 stands for "end of part" and digits. */
    private static int order(char c) {
        if (c == '~') {
            return -1;
        }
        if (Character.isDigit(c)) {
            return 0;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return c;
        }
        return c + 256;
    }

    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        int la = a.length();
        int lb = b.length();
        while (i < la || j < lb) {
            // non-digit prefix, character by character
            while ((i < la && !Character.isDigit(a.charAt(i))) || (j < lb && !Character.isDigit(b.charAt(j)))) {
                int ac = i < la ? order(a.charAt(i)) : 0;
                int bc = j < lb ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            int si = i;
            while (i < la && Character.isDigit(a.charAt(i))) {
                i++;
            }
            int sj = j;
            while (j < lb && Character.isDigit(b.charAt(j))) {
                j++;
            }
            int c = compareNumeric(a, si, i, b, sj, j);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Compares two runs of ASCII digits as unbounded non-negative integers (no overflow on 20-digit dates). */
    static int compareNumeric(String a, int as, int ae, String b, int bs, int be) {
        while (as < ae && a.charAt(as) == '0') {
            as++;
        }
        while (bs < be && b.charAt(bs) == '0') {
            bs++;
        }
        int la = ae - as;
        int lb = be - bs;
        if (la != lb) {
            return la < lb ? -1 : 1;
        }
        for (int k = 0; k < la; k++) {
            int d = a.charAt(as + k) - b.charAt(bs + k);
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
        }
        return 0;
    }
}
