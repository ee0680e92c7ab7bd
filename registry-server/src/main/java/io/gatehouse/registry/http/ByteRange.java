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

    /**
     * Content-Range of an upload chunk: {@code <start>-<end>} (also tolerates a {@code bytes } prefix and a
     * {@code /total} suffix, as clients send both).
     *
     * @return {start, end} inclusive, or null if malformed
     */
    static long[] parseContentRange(String header) {
        String s = header.trim();
        if (s.startsWith("bytes ")) s = s.substring(6).trim();
        else if (s.startsWith("bytes=")) s = s.substring(6).trim();
        int slash = s.indexOf('/');
        if (slash >= 0) s = s.substring(0, slash);
        int dash = s.indexOf('-');
        if (dash <= 0) return null;
        try {
            long start = Long.parseLong(s.substring(0, dash));
            long end = Long.parseLong(s.substring(dash + 1));
            // end = Long.MAX_VALUE would make the chunk length (end - start + 1) overflow to a negative "unknown"
            // length, and the upload would take a body of any size as this chunk
            if (start < 0 || end < start || end == Long.MAX_VALUE) return null;
            return new long[]{start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
