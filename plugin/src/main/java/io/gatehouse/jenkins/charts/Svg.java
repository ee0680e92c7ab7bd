package io.gatehouse.jenkins.charts;

/**
 * Small server-rendered SVG charts for the build and job pages: no JavaScript, no chart library, nothing fetched by
 * the browser. Every text that goes in is XML-escaped here, so the Jelly pages may write the result unescaped.
 */
final class Svg {
    private Svg() {
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The colours of the severities (those of common scanners' reports), worst first. */
    static String colour(String severity) {
        return switch (severity) {
            case "CRITICAL" -> "#b71c1c";
            case "HIGH" -> "#e65100";
            case "MEDIUM" -> "#f9a825";
            case "LOW" -> "#558b2f";
            default -> "#757575";
        };
    }
}
