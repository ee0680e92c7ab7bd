package io.gatehouse.jenkins.charts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CRITICAL and HIGH counts across builds, oldest left, as two lines with a point per build (as the JUnit and
 * warnings-ng plugins chart theirs on the job page). Each point carries a tooltip and a link to its build.
 */
public final class SeverityTrend {
    static final int WIDTH = 480;
    static final int HEIGHT = 200;
    static final int LEFT = 40;
    static final int BOTTOM = 24;
    static final int TOP = 20;

    /** One build: its number, the link to its page (relative to where the chart is shown), and its summed counts. */
    public record Point(int build, String url, int critical, int high) {
    }

    private SeverityTrend() {
    }

    public static String svg(List<Point> points) {
        List<Point> ps = new ArrayList<>(points);
        ps.sort(Comparator.comparingInt(Point::build));
        int max = Math.max(1, ps.stream().mapToInt(p -> Math.max(p.critical(), p.high())).max().orElse(1));
        int plotW = WIDTH - LEFT - 10;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gatehouse-trend-chart\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\">");
        b.append("<title>CRITICAL and HIGH findings per build</title>");
        // axes and the scale: 0 and the maximum
        b.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"")
                .append(TOP + plotH).append("\" stroke=\"#999\"/>");
        b.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP + plotH).append("\" x2=\"").append(LEFT + plotW)
                .append("\" y2=\"").append(TOP + plotH).append("\" stroke=\"#999\"/>");
        b.append(text(LEFT - 6, TOP + plotH + 4, "end", "0"));
        b.append(text(LEFT - 6, TOP + 4, "end", String.valueOf(max)));
        b.append(text(LEFT + 4, 12, "start", "CRITICAL", Svg.colour("CRITICAL")));
        b.append(text(LEFT + 80, 12, "start", "HIGH", Svg.colour("HIGH")));
        if (ps.isEmpty()) {
            return b.append(text(LEFT + plotW / 2, TOP + plotH / 2, "middle", "no scans yet")).append("</svg>").toString();
        }
        double step = ps.size() == 1 ? 0 : (double) plotW / (ps.size() - 1);
        for (String series : new String[] {"HIGH", "CRITICAL"}) {
            StringBuilder line = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < ps.size(); i++) {
                Point p = ps.get(i);
                int v = series.equals("CRITICAL") ? p.critical() : p.high();
                long x = Math.round(LEFT + (ps.size() == 1 ? plotW / 2.0 : i * step));
                long y = Math.round(TOP + plotH - (double) v * plotH / max);
                line.append(i == 0 ? "" : " ").append(x).append(',').append(y);
                dots.append("<a href=\"").append(Svg.escape(p.url())).append("\"><circle class=\"point-").append(series.toLowerCase(java.util.Locale.ROOT))
                        .append("\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"3\" fill=\"").append(Svg.colour(series))
                        .append("\"><title>").append(Svg.escape("#" + p.build() + ": " + v + " " + series)).append("</title></circle></a>");
            }
            b.append("<polyline class=\"line-").append(series.toLowerCase(java.util.Locale.ROOT)).append("\" fill=\"none\" stroke=\"")
                    .append(Svg.colour(series)).append("\" stroke-width=\"2\" points=\"").append(line).append("\"/>").append(dots);
        }
        // build numbers under the first and the last point
        b.append(text(LEFT, HEIGHT - 6, "start", "#" + ps.get(0).build()));
        if (ps.size() > 1) {
            b.append(text(LEFT + plotW, HEIGHT - 6, "end", "#" + ps.get(ps.size() - 1).build()));
        }
        return b.append("</svg>").toString();
    }

    private static String text(int x, int y, String anchor, String s) {
        return text(x, y, anchor, s, "#333");
    }

    private static String text(int x, int y, String anchor, String s, String fill) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" font-size=\"11\" font-family=\"sans-serif\" fill=\""
                + fill + "\">" + Svg.escape(s) + "</text>";
    }
}
