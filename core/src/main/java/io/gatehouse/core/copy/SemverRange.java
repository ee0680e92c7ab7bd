package io.gatehouse.core.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version range over image tags, npm-style: space-separated comparators that must all hold ({@code >=3.18 <4}),
 * alternatives joined by {@code ||}. Operators: {@code >= > <= < =} (none means {@code =}). Missing parts count as 0,
 * so {@code <4} means {@code <4.0.0}.
 * <p>
 * Tags are versions when they look like {@code [v]MAJOR[.MINOR[.PATCH]]}; tags with a suffix ({@code 3.19-alpine},
 * {@code 4.0-rc1}) never match a range, as npm excludes pre-releases: mirror such variants with a regular expression.
 */
public final class SemverRange {
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
    private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=)?\\s*(v?\\d+(?:\\.\\d+){0,2})");

    private record Comparator(String op, long[] version) {
        boolean test(long[] v) {
            int c = compare(v, version);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
        }
    }

    private final String text;
    private final List<List<Comparator>> alternatives;

    private SemverRange(String text, List<List<Comparator>> alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    public static SemverRange parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty version range");
        List<List<Comparator>> alts = new ArrayList<>();
        for (String alt : text.split("\\|\\|")) {
            List<Comparator> all = new ArrayList<>();
            String rest = alt.strip();
            Matcher m = COMPARATOR.matcher(rest);
            int pos = 0;
            while (pos < rest.length()) {
                if (Character.isWhitespace(rest.charAt(pos))) {
                    pos++;
                    continue;
                }
                if (!m.find(pos) || m.start() != pos) {
                    throw new IllegalArgumentException("bad version range '" + text + "' at '" + rest.substring(pos)
                            + "': use comparators like >=3.18 <4, joined by || for alternatives");
                }
                all.add(new Comparator(m.group(1) == null ? "=" : m.group(1), version(m.group(2))));
                pos = m.end();
            }
            if (all.isEmpty()) throw new IllegalArgumentException("bad version range '" + text + "': empty alternative");
            alts.add(all);
        }
        return new SemverRange(text, alts);
    }

    public boolean matches(String tag) {
        long[] v = parseVersion(tag);
        if (v == null) return false;
        for (List<Comparator> alt : alternatives) {
            if (alt.stream().allMatch(c -> c.test(v))) return true;
        }
        return false;
    }

    /** The numeric parts of a version-like tag, or null when the tag is not one (latest, edge, 3.19-alpine). */
    public static long[] parseVersion(String tag) {
        Matcher m = VERSION.matcher(tag);
        if (!m.matches()) return null;
        return version(tag);
    }

    private static long[] version(String s) {
        Matcher m = VERSION.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("not a version: " + s);
        long[] v = new long[3];
        for (int i = 0; i < 3; i++) v[i] = m.group(i + 1) == null ? 0 : Long.parseLong(m.group(i + 1));
        return v;
    }

    static int compare(long[] a, long[] b) {
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
