package io.gatehouse.core.regex;

import java.util.regex.Pattern;

/**
 * Matches a regular expression someone else wrote (a policy's tag pattern, a mirror's tag filter) against a tag
 * someone else pushed, with a budget: java.util.regex backtracks, so a pattern such as {@code (a+)+b} against 40
 * {@code a}s runs for hours, and every gate check of every push (or every scheduled mirror) would pin a thread. The
 * input is read through a CharSequence that counts reads and gives up past {@link #MAX_READS}: a real tag (128
 * characters at most) against a sane pattern needs a few thousand.
 */
public final class BoundedMatch {
    public static final long MAX_READS = 1_000_000;

    private BoundedMatch() {
    }

    /** Thrown when the budget is spent; the caller decides what "cannot tell" means. */
    public static final class TooExpensive extends RuntimeException {
        TooExpensive() {
            super("the pattern needs more than " + MAX_READS + " steps on this input", null, false, false);
        }
    }

    public static boolean matches(Pattern pattern, String input) {
        return pattern.matcher(new Counting(input)).matches();
    }

    private static final class Counting implements CharSequence {
        private final String s;
        private long reads;

        Counting(String s) {
            this.s = s;
        }

        @Override
        public char charAt(int index) {
            if (++reads > MAX_READS) {
                throw new TooExpensive();
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
