package io.gatehouse.registry.scan.version;

/**
 * Alpine's version ordering, after apk-tools' version.c:
 * {@code digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}}. Pre-release suffixes (alpha, beta, pre, rc) sort
 * before the bare version, post-release ones (cvs, svn, git, hg, p) after it. A dotted component with a leading zero
 * compares as a string ("Gentoo" rule: 1.01 &lt; 1.1). When one version ends where the other continues, the longer
 * one is greater unless it continues with a pre-release suffix.
 *
 * <p>Two deliberate extensions over apk-tools, because real secdb and image data contain them: {@code _b} is read
 * as a pre-release between rc and the bare version ({@code 10.0.0_b2}), and when both versions stop parsing at
 * the same point (invalid), the unparsed rests are compared as strings rather than called equal.
 */
public final class ApkVersionComparator implements VersionComparator {

    public static final ApkVersionComparator INSTANCE = new ApkVersionComparator();

    private static final int INITIAL_DIGIT = 0;
    private static final int DIGIT = 1;
    private static final int LETTER = 2;
    private static final int SUFFIX = 3;
    private static final int SUFFIX_NO = 4;
    private static final int COMMIT_HASH = 5;
    private static final int REVISION_NO = 6;
    private static final int END = 7;
    private static final int INVALID = 8;

    /** Suffix ranks: below NONE are pre-releases, above are post-releases. */
    private static final int NONE = 10;

    private static int suffixRank(String s) {
        return switch (s) {
            case "alpha" -> 1;
            case "beta" -> 2;
            case "pre" -> 3;
            case "rc" -> 4;
            case "b" -> 5;
            case "cvs" -> 11;
            case "svn" -> 12;
            case "git" -> 13;
            case "hg" -> 14;
            case "p" -> 15;
            default -> -1;
        };
    }

    /** A cursor over one version string producing apk tokens. */
    private static final class Tokens {
        final String s;
        int pos;
        int token;
        int start;          // start of the current token's value in s
        int end;            // end of the current token's value
        long number;
        int suffix;

        Tokens(String s) {
            this.s = s;
            token = INITIAL_DIGIT;
            digits();
        }

        String value() {
            return s.substring(start, end);
        }

        private void digits() {
            start = pos;
            long n = 0;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                n = n * 10 + (s.charAt(pos) - '0');
                if (n > Long.MAX_VALUE / 20) {
                    n = Long.MAX_VALUE / 20; // saturate: absurdly long numbers still order above real ones
                }
                pos++;
            }
            end = pos;
            number = n;
            if (end == start) {
                token = INVALID;
            }
        }

        void next() {
            if (pos >= s.length()) {
                token = END;
                return;
            }
            char c = s.charAt(pos);
            if (c >= 'a' && c <= 'z') {
                if (token > DIGIT) {
                    token = INVALID;
                    return;
                }
                start = pos;
                end = ++pos;
                token = LETTER;
            } else if (c == '.' || Character.isDigit(c)) {
                if (c == '.') {
                    if (token > DIGIT) {
                        token = INVALID;
                        return;
                    }
                    pos++;
                }
                if (token == INITIAL_DIGIT || token == DIGIT) {
                    token = DIGIT;
                } else if (token == SUFFIX) {
                    token = SUFFIX_NO;
                } else {
                    token = INVALID;
                    return;
                }
                digits();
            } else if (c == '_') {
                if (token > SUFFIX_NO) {
                    token = INVALID;
                    return;
                }
                pos++;
                start = pos;
                while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
                    pos++;
                }
                end = pos;
                suffix = suffixRank(value());
                token = suffix < 0 ? INVALID : SUFFIX;
            } else if (c == '~') {
                if (token >= COMMIT_HASH) {
                    token = INVALID;
                    return;
                }
                pos++;
                start = pos;
                while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0) {
                    pos++;
                }
                end = pos;
                token = end == start ? INVALID : COMMIT_HASH;
            } else if (c == '-') {
                if (token >= REVISION_NO || !s.startsWith("-r", pos)) {
                    token = INVALID;
                    return;
                }
                pos += 2;
                token = REVISION_NO;
                digits();
            } else {
                token = INVALID;
            }
        }
    }

    private static int tokenCompare(Tokens a, Tokens b) {
        switch (a.token) {
            case DIGIT:
                if (a.s.charAt(a.start) == '0' || b.s.charAt(b.start) == '0') {
                    return Integer.signum(a.value().compareTo(b.value()));
                }
                return Long.compare(a.number, b.number);
            case INITIAL_DIGIT:
            case SUFFIX_NO:
            case REVISION_NO:
                return Long.compare(a.number, b.number);
            case LETTER:
                return Character.compare(a.s.charAt(a.start), b.s.charAt(b.start));
            case SUFFIX:
                return Integer.compare(a.suffix, b.suffix);
            default:
                return Integer.signum(a.value().compareTo(b.value()));
        }
    }

    @Override
    public int compare(String va, String vb) {
        Tokens a = new Tokens(va.trim());
        Tokens b = new Tokens(vb.trim());
        while (a.token == b.token && a.token < END) {
            int r = tokenCompare(a, b);
            if (r != 0) {
                return r;
            }
            a.next();
            b.next();
        }
        if (a.token == b.token) {
            if (a.token == INVALID) {
                return Integer.signum(a.s.substring(a.pos).compareTo(b.s.substring(b.pos)));
            }
            return 0;
        }
        if (a.token == SUFFIX && a.suffix < NONE) {
            return -1;
        }
        if (b.token == SUFFIX && b.suffix < NONE) {
            return 1;
        }
        return a.token > b.token ? -1 : 1;
    }

    @Override
    public boolean isValid(String version) {
        Tokens t = new Tokens(version.trim());
        while (t.token < END) {
            t.next();
        }
        return t.token == END;
    }
}
