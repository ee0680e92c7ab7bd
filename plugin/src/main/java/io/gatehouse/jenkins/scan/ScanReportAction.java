package io.gatehouse.jenkins.scan;

import hudson.model.Run;
import io.gatehouse.jenkins.service.Finding;
import io.gatehouse.jenkins.service.ScanSummary;
import io.gatehouse.jenkins.service.Severity;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * The scan summary on the build page (summary.jelly): severity counts, the verdict and the worst findings,
 * with a link to the full JSON report archived as an artifact. One action per scanned image.
 * Stored in build.xml by XStream, hence plain fields and a plain nested class rather than records.
 */
public class ScanReportAction implements RunAction2 {
    private final String image;
    private final String digest;
    private final int critical;
    private final int high;
    private final int medium;
    private final int low;
    private final int unknown;
    private final String policy;
    private final Boolean policyAllowed;
    private final String artifactPath;
    private final List<Row> worst;
    private transient Run<?, ?> run;

    public ScanReportAction(ScanSummary summary, String artifactPath) {
        this.image = summary.image();
        this.digest = summary.digest();
        this.critical = summary.count(Severity.CRITICAL);
        this.high = summary.count(Severity.HIGH);
        this.medium = summary.count(Severity.MEDIUM);
        this.low = summary.count(Severity.LOW);
        this.unknown = summary.count(Severity.UNKNOWN);
        this.policy = summary.verdict() == null ? null : summary.verdict().policy();
        this.policyAllowed = summary.verdict() == null ? null : summary.verdict().allowed();
        this.artifactPath = artifactPath;
        List<Row> rows = new ArrayList<>();
        for (Finding f : summary.worst()) {
            rows.add(new Row(f.id(), f.severity().name(), f.packageName(), f.installedVersion(), f.fixedVersion()));
        }
        this.worst = rows;
    }

    /** No sidebar link: the summary on the build page and the archived JSON are the whole UI. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Gatehouse scan: " + image;
    }

    @Override
    public String getUrlName() {
        return null;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    public Run<?, ?> getRun() { return run; }
    public String getImage() { return image; }
    public String getDigest() { return digest; }
    public int getCritical() { return critical; }
    public int getHigh() { return high; }
    public int getMedium() { return medium; }
    public int getLow() { return low; }
    public int getUnknown() { return unknown; }
    public String getPolicy() { return policy; }
    public Boolean getPolicyAllowed() { return policyAllowed; }
    public String getArtifactPath() { return artifactPath; }
    public List<Row> getWorst() { return worst == null ? List.of() : List.copyOf(worst); }

    /** One finding as shown in the table. */
    public static final class Row {
        private final String id;
        private final String severity;
        private final String packageName;
        private final String installedVersion;
        private final String fixedVersion;

        public Row(String id, String severity, String packageName, String installedVersion, String fixedVersion) {
            this.id = id;
            this.severity = severity;
            this.packageName = packageName;
            this.installedVersion = installedVersion;
            this.fixedVersion = fixedVersion;
        }

        public String getId() { return id; }
        public String getSeverity() { return severity; }
        public String getPackageName() { return packageName; }
        public String getInstalledVersion() { return installedVersion; }
        public String getFixedVersion() { return fixedVersion; }
    }
}
