package io.gatehouse.jenkins.scan;

import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import io.gatehouse.jenkins.charts.SeverityTrend;
import java.util.ArrayList;
import java.util.List;

/**
 * On the job page (floatingBox.jelly): CRITICAL and HIGH findings across the last {@link #BUILDS} builds that scanned,
 * summed over the images each build scanned, as an SVG line chart whose points link to their builds. Transient:
 * made again from the builds' {@link ScanReportAction}s whenever the page is drawn.
 */
public class ScanTrendAction implements Action {
    static final int BUILDS = 30;
    /** Builds looked at, at most: a job with thousands of builds without scans must not make the page slow. */
    static final int LOOK_BACK = 200;

    private final Job<?, ?> job;

    public ScanTrendAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() { return job; }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Gatehouse scan trend";
    }

    @Override
    public String getUrlName() {
        return null;
    }

    /** The builds that scanned, newest first, up to {@link #BUILDS}. */
    public List<SeverityTrend.Point> getPoints() {
        List<SeverityTrend.Point> points = new ArrayList<>();
        int looked = 0;
        for (Run<?, ?> r = job.getLastBuild(); r != null && points.size() < BUILDS && looked < LOOK_BACK; r = r.getPreviousBuild()) {
            looked++;
            List<ScanReportAction> scans = r.getActions(ScanReportAction.class);
            if (scans.isEmpty()) {
                continue;
            }
            int critical = 0;
            int high = 0;
            for (ScanReportAction a : scans) {
                critical += a.getCritical();
                high += a.getHigh();
            }
            // relative to the job page, where the chart is drawn
            points.add(new SeverityTrend.Point(r.getNumber(), r.getNumber() + "/", critical, high));
        }
        return points;
    }

    /** Whether there is anything to chart (the page shows nothing otherwise). */
    public boolean isShown() {
        return !getPoints().isEmpty();
    }

    public String getChartSvg() {
        return SeverityTrend.svg(getPoints());
    }
}
