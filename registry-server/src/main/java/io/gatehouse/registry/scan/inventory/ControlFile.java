package io.gatehouse.registry.scan.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses RFC 822-style stanzas as dpkg status files, apk's installed database (single-letter keys) and Python's
 * METADATA use them: {@code Key: value} lines, continuation lines starting with a space or tab, stanzas separated
 * by blank lines. Only the first value of a repeated key is kept.
 */
final class ControlFile {
    private ControlFile() {
    }

    static List<Map<String, String>> stanzas(String text) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> cur = new LinkedHashMap<>();
        String lastKey = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isBlank()) {
                if (!cur.isEmpty()) {
                    out.add(cur);
                    cur = new LinkedHashMap<>();
                }
                lastKey = null;
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (lastKey != null) {
                    cur.computeIfPresent(lastKey, (k, v) -> v + "\n" + line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            lastKey = line.substring(0, colon).trim();
            cur.putIfAbsent(lastKey, line.substring(colon + 1).trim());
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /** The header part only (up to the first blank line): Python METADATA has the description as a body after it. */
    static Map<String, String> headers(String text) {
        int end = text.indexOf("\n\n");
        List<Map<String, String>> s = stanzas(end < 0 ? text : text.substring(0, end));
        return s.isEmpty() ? Map.of() : s.get(0);
    }
}
