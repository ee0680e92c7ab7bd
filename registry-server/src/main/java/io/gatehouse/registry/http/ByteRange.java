package io.gatehouse.registry.http;

/** One HTTP byte range (RFC 9110 §14) against a known size. Multiple ranges are not served: the whole blob is. */
final class ByteRange {
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {
    }

    /** @return {start, end} inclusive; null to ignore the header (serve everything); UNSATISFIABLE for 416 */
    static long[] parse(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=")) return null;
        String spec = h.substring(6).trim();
        if (spec.contains(",")) return null;
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) return UNSATISFIABLE;
                return new long[]{Math.max(0, size - n), size - 1};
            }
            long start = Long.parseLong(a);
            long end = b.isEmpty() ? size - 1 : Long.parseLong(b);
            if (start >= size) return UNSATISFIABLE;
            if (end < start) return null;
            return new long[]{start, Math.min(end, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
