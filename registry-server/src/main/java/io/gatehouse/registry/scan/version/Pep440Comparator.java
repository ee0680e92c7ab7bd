package io.gatehouse.registry.scan.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's version ordering, PEP 440: {@code [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]}, with the spec's
 * normalisations (alpha/beta/c/pre/preview spellings, {@code -}/{@code _} separators, implicit numbers, {@code 1.0-1}
 * as a post-release). Order within a release: {@code .devN < aN < bN < rcN < release < .postN}; a local version
 * sorts after the same public version. Release segments ignore trailing zeros ({@code 1.0 == 1.0.0}).
 *
 * <p>Strings that are not PEP 440 (legacy versions such as {@code 2004d} or {@code 1.0-custom}) are placed by their
 * leading release numbers, after every valid version with the same release; among themselves they compare as text;
 * strings without a leading number come first. (Falling back to another ecosystem's ordering for them, as before,
 * was not transitive, and advisory events are sorted with this comparator.)
 */
public final class Pep440Comparator implements VersionComparator {

    public static final Pep440Comparator INSTANCE = new Pep440Comparator();

    private static final Pattern PEP440 = Pattern.compile(
            "^\\s*v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?"
                    + "(?:(?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d+)?))?"
                    + "(?:[-_.]?(dev)[-_.]?(\\d+)?)?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$");

    private record Key(BigInteger epoch, List<BigInteger> release, int preKind, BigInteger preNum, boolean hasPost,
                       BigInteger post, boolean hasDev, BigInteger dev, String local) {
    }

    private static final Pattern LEADING_RELEASE = Pattern.compile("^\\s*v?(\\d+(?:\\.\\d+)*)");

    private static BigInteger n(String s) {
        return s == null ? BigInteger.ZERO : new BigInteger(s);
    }

    private static Key parse(String v) {
        Matcher m = PEP440.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        List<BigInteger> rel = release(m.group(2));
        int preKind = 0; // 0 = none; 1 a, 2 b, 3 rc
        String pre = m.group(3);
        if (pre != null) {
            preKind = switch (pre) {
                case "a", "alpha" -> 1;
                case "b", "beta" -> 2;
                default -> 3;
            };
        }
        boolean hasPost = m.group(5) != null || m.group(6) != null;
        BigInteger post = m.group(5) != null ? n(m.group(5)) : n(m.group(7));
        boolean hasDev = m.group(8) != null;
        return new Key(n(m.group(1)), rel, preKind, n(m.group(4)), hasPost, post, hasDev, n(m.group(9)),
                m.group(10));
    }

    /** The release numbers an invalid version starts with (trailing zeros dropped), or null if none. */
    private static List<BigInteger> leadingRelease(String v) {
        Matcher m = LEADING_RELEASE.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.lookingAt()) {
            return null;
        }
        return release(m.group(1));
    }

    /** {@code 1.2.0} → [1, 2]: release segments ignore trailing zeros. */
    private static List<BigInteger> release(String dotted) {
        List<BigInteger> rel = new ArrayList<>();
        for (String p : dotted.split("\\.")) {
            rel.add(new BigInteger(p));
        }
        while (rel.size() > 1 && rel.get(rel.size() - 1).signum() == 0) {
            rel.remove(rel.size() - 1);
        }
        return rel;
    }

    @Override
    public int compare(String a, String b) {
        Key ka = parse(a);
        Key kb = parse(b);
        if (ka == null || kb == null) {
            // (epoch, release, valid before invalid, then the valid key or the text): a total order
            List<BigInteger> ra = ka != null ? ka.release : leadingRelease(a);
            List<BigInteger> rb = kb != null ? kb.release : leadingRelease(b);
            if (ra == null || rb == null) {
                return ra == null ? (rb == null ? Integer.signum(a.compareTo(b)) : -1) : 1;
            }
            int c = (ka != null ? ka.epoch : BigInteger.ZERO).compareTo(kb != null ? kb.epoch : BigInteger.ZERO);
            if (c != 0) {
                return Integer.signum(c);
            }
            c = compareRelease(ra, rb);
            if (c != 0) {
                return c;
            }
            if (ka != null || kb != null) {
                return ka != null ? -1 : 1;
            }
            return Integer.signum(a.compareTo(b));
        }
        int c = ka.epoch.compareTo(kb.epoch);
        if (c != 0) {
            return Integer.signum(c);
        }
        c = compareRelease(ka.release, kb.release);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(preRank(ka), preRank(kb));
        if (c != 0) {
            return c;
        }
        if (ka.preKind != 0) {
            c = ka.preNum.compareTo(kb.preNum);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        c = Boolean.compare(ka.hasPost, kb.hasPost);
        if (c != 0) {
            return c;
        }
        c = ka.post.compareTo(kb.post);
        if (c != 0) {
            return Integer.signum(c);
        }
        // no dev segment sorts after any dev segment
        c = Boolean.compare(!ka.hasDev, !kb.hasDev);
        if (c != 0) {
            return c;
        }
        c = ka.dev.compareTo(kb.dev);
        if (c != 0) {
            return Integer.signum(c);
        }
        return compareLocal(ka.local, kb.local);
    }

    private static int compareRelease(List<BigInteger> ra, List<BigInteger> rb) {
        int len = Math.max(ra.size(), rb.size());
        for (int i = 0; i < len; i++) {
            BigInteger x = i < ra.size() ? ra.get(i) : BigInteger.ZERO;
            BigInteger y = i < rb.size() ? rb.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return 0;
    }

    /** A dev release of a final version (1.0.dev1) sorts before its pre-releases: rank 0; a, b, rc: 1-3; final: 4. */
    private static int preRank(Key k) {
        if (k.preKind != 0) {
            return k.preKind;
        }
        return (k.hasDev && !k.hasPost) ? 0 : 4;
    }

    private static int compareLocal(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        String[] pa = a.split("[-_.]");
        String[] pb = b.split("[-_.]");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            boolean na = pa[i].chars().allMatch(Character::isDigit);
            boolean nb = pb[i].chars().allMatch(Character::isDigit);
            int c;
            if (na && nb) {
                c = new BigInteger(pa[i]).compareTo(new BigInteger(pb[i]));
            } else if (na != nb) {
                c = na ? 1 : -1; // numeric segments sort after alphanumeric ones
            } else {
                c = pa[i].compareTo(pb[i]);
            }
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    @Override
    public boolean isValid(String version) {
        return parse(version) != null;
    }
}
