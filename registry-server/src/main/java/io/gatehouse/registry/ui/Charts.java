package io.gatehouse.registry.ui;

import java.util.List;

/**
 * Small charts drawn on the server as inline SVG (no script, no inline style: colours come from the style sheet's
 * {@code .sev-*} classes). Numbers are the only data besides tag names, which are escaped here because the SVG is
 * written into the page as markup.
 */
final class Charts {
    private static final String[] SEVERITIES = {"critical", "high", "medium", "low", "unknown"};

    private Charts() {
    }

    /** Findings of a repository's scanned images by severity: one horizontal bar per severity. */
    static String severityBars(int[] counts) {
        int max = 1;
        int total = 0;
        for (int c : counts) {
            max = Math.max(max, c);
            total += c;
        }
        int width = 360;
        int row = 22;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(width).append("\" height=\"")
                .append(row * SEVERITIES.length + 4).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(row * SEVERITIES.length + 4).append("\" role=\"img\" aria-label=\"Findings by severity: ");
        for (int i = 0; i < SEVERITIES.length; i++) sb.append(i == 0 ? "" : ", ").append(SEVERITIES[i]).append(' ').append(counts[i]);
        sb.append("\"><title>Findings by severity (").append(total).append(" in all)</title>");
        for (int i = 0; i < SEVERITIES.length; i++) {
            int y = i * row + 2;
            int w = counts[i] == 0 ? 0 : Math.max(2, (int) Math.round(220.0 * counts[i] / max));
            sb.append("<text x=\"0\" y=\"").append(y + 15).append("\" class=\"chart-label\">").append(SEVERITIES[i]).append("</text>");
            sb.append("<rect x=\"80\" y=\"").append(y + 3).append("\" width=\"").append(w).append("\" height=\"16\" class=\"sev-")
                    .append(SEVERITIES[i]).append("\"/>");
            sb.append("<text x=\"").append(86 + w).append("\" y=\"").append(y + 15).append("\" class=\"chart-value\">").append(counts[i]).append("</text>");
        }
        return sb.append("</svg>").toString();
    }

    /**
     * Critical and high findings across a repository's recent tags, oldest first: two bars per tag; a tag whose
     * image is not scanned gets a dash.
     */
    static String criticalHighTrend(List<String> tags, List<int[]> values) {
        int max = 1;
        for (int[] v : values) if (v != null) max = Math.max(max, Math.max(v[0], v[1]));
        int slot = 48;
        int height = 150;
        int base = 110;
        int width = Math.max(slot * tags.size() + 10, 120);
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"Critical and high findings of the recent tags\">")
                .append("<title>Critical (dark) and high (light) findings of the ").append(tags.size()).append(" most recent tags</title>");
        sb.append("<line x1=\"0\" y1=\"").append(base).append("\" x2=\"").append(width).append("\" y2=\"").append(base).append("\" class=\"chart-axis\"/>");
        for (int i = 0; i < tags.size(); i++) {
            int x = 8 + i * slot;
            int[] v = values.get(i);
            String label = tags.get(i).length() > 8 ? tags.get(i).substring(0, 7) + "…" : tags.get(i);
            if (v == null) {
                sb.append("<text x=\"").append(x + 12).append("\" y=\"").append(base - 4).append("\" class=\"chart-value\">–</text>");
            } else {
                for (int k = 0; k < 2; k++) {
                    int h = v[k] == 0 ? 0 : Math.max(2, (int) Math.round(90.0 * v[k] / max));
                    int bx = x + k * 16;
                    sb.append("<rect x=\"").append(bx).append("\" y=\"").append(base - h).append("\" width=\"14\" height=\"").append(h)
                            .append("\" class=\"sev-").append(k == 0 ? "critical" : "high").append("\"><title>")
                            .append(escape(tags.get(i))).append(": ").append(v[k]).append(k == 0 ? " critical" : " high").append("</title></rect>");
                    sb.append("<text x=\"").append(bx + 1).append("\" y=\"").append(base - h - 3).append("\" class=\"chart-small\">").append(v[k]).append("</text>");
                }
            }
            sb.append("<text x=\"").append(x).append("\" y=\"").append(base + 16).append("\" class=\"chart-small\">").append(escape(label)).append("</text>");
        }
        return sb.append("</svg>").toString();
    }

    /** Escapes text for SVG/XML character data and attribute values. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
