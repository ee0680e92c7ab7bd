package io.gatehouse.jenkins.charts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The severity counts of one scan as a horizontal bar chart: one row per severity (CRITICAL to UNKNOWN), the bar's
 * length proportional to its count (the largest count fills the width), the count written after it.
 */
public final class SeverityBars {
    static final int WIDTH = 320;
    static final int ROW = 18;
    static final int LABEL = 72;
    static final int BAR_MAX = 200;

    private SeverityBars() {
    }

    /** {@code counts}: severity name (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN) → count; a missing one counts 0. */
    public static String svg(Map<String, Integer> counts) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (String s : new String[] {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"}) {
            rows.put(s, Math.max(0, counts.getOrDefault(s, 0)));
        }
        int max = rows.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int total = rows.values().stream().mapToInt(Integer::intValue).sum();
        int height = ROW * rows.size() + 4;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gatehouse-severity-chart\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\">");
        b.append("<title>").append(Svg.escape(total + " findings: " + describe(rows))).append("</title>");
        int y = 2;
        for (Map.Entry<String, Integer> e : rows.entrySet()) {
            int len = max == 0 ? 0 : (int) Math.round((double) e.getValue() * BAR_MAX / max);
            if (e.getValue() > 0) {
                len = Math.max(len, 2); // a single finding among thousands still shows
            }
            b.append("<text x=\"0\" y=\"").append(y + 13).append("\" font-size=\"12\" font-family=\"sans-serif\">")
                    .append(e.getKey()).append("</text>");
            b.append("<rect class=\"bar-").append(e.getKey().toLowerCase(Locale.ROOT)).append("\" x=\"").append(LABEL).append("\" y=\"")
                    .append(y + 2).append("\" width=\"").append(len).append("\" height=\"").append(ROW - 4).append("\" fill=\"")
                    .append(Svg.colour(e.getKey())).append("\"/>");
            b.append("<text x=\"").append(LABEL + len + 6).append("\" y=\"").append(y + 13)
                    .append("\" font-size=\"12\" font-family=\"sans-serif\">").append(e.getValue()).append("</text>");
            y += ROW;
        }
        return b.append("</svg>").toString();
    }

    private static String describe(Map<String, Integer> rows) {
        StringBuilder b = new StringBuilder();
        rows.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }
}
