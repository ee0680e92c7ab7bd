package io.gatehouse.jenkins.scan;

import hudson.model.Action;
import hudson.model.Run;
import io.gatehouse.jenkins.charts.SeverityBars;
import io.gatehouse.jenkins.service.Finding;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.ScanSummary;
import io.gatehouse.jenkins.service.Severity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import jenkins.tasks.SimpleBuildStep;

/**
 * The scan summary on the build page (summary.jelly): severity counts as a bar chart, the verdict of each policy
 * condition, the most severe findings that have a fix, links into the registry (its report, scan status and
 * signatures of the digest) and the full JSON report archived as an artifact. One action per scanned image.
 * As a {@link SimpleBuildStep.LastBuildAction} it puts the CRITICAL/HIGH trend ({@link ScanTrendAction}) on the job page.
 * Stored in build.xml by XStream, hence plain fields and plain nested classes rather than records; fields added
 * later are null in older builds, and every getter copes.
 */
public class ScanReportAction implements RunAction2, SimpleBuildStep.LastBuildAction {
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
    private final List<Row> fixable;
    private final List<ConditionRow> conditions;
    private final String registryUrl;
    private final String repository;
    private transient Run<?, ?> run;

    public ScanReportAction(ScanSummary summary, String artifactPath) {
        this(summary, artifactPath, null, null);
    }

    /** {@code registryUrl} (no trailing slash) and {@code repository} give the links into the registry; null: none. */
    public ScanReportAction(ScanSummary summary, String artifactPath, String registryUrl, String repository) {
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
        this.worst = rows(summary.worst());
        this.fixable = rows(summary.fixable());
        List<ConditionRow> cs = new ArrayList<>();
        if (summary.verdict() != null) {
            for (PolicyVerdict.Condition c : summary.verdict().conditions()) {
                cs.add(new ConditionRow(c.name(), c.passed(), c.reason()));
            }
        }
        this.conditions = cs;
        this.registryUrl = registryUrl == null ? null : registryUrl.replaceAll("/+$", "");
        this.repository = repository;
    }

    private static List<Row> rows(List<Finding> findings) {
        List<Row> rows = new ArrayList<>();
        for (Finding f : findings) {
            rows.add(new Row(f.id(), f.severity().name(), f.packageName(), f.installedVersion(), f.fixedVersion()));
        }
        return rows;
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

    /** The CRITICAL/HIGH trend on the job page (Jenkins asks the last successful or unstable build). */
    @Override
    public Collection<? extends Action> getProjectActions() {
        return run == null ? List.of() : List.of(new ScanTrendAction(run.getParent()));
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
    public List<Row> getFixable() { return fixable == null ? List.of() : List.copyOf(fixable); }
    public List<ConditionRow> getConditions() { return conditions == null ? List.of() : List.copyOf(conditions); }

    /** The severity counts as an SVG bar chart (built from numbers and fixed labels only; written unescaped by the page). */
    public String getSeverityChartSvg() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("CRITICAL", critical);
        counts.put("HIGH", high);
        counts.put("MEDIUM", medium);
        counts.put("LOW", low);
        counts.put("UNKNOWN", unknown);
        return SeverityBars.svg(counts);
    }

    /** The registry's scan report of this digest ({@code GET /api/v1/repositories/{repo}/scans/{digest}/report}); null without a registry. */
    public String getRegistryReportUrl() {
        return registryLink("/scans/" + digest + "/report");
    }

    /** The registry's scan status of this digest (state, vulnerability database, summary). */
    public String getRegistryScanUrl() {
        return registryLink("/scans/" + digest);
    }

    /** The trusted signatures the registry knows on this digest. */
    public String getRegistrySignaturesUrl() {
        return registryLink("/signatures/" + digest);
    }

    /** The policy as the registry holds it ({@code GET /api/v1/policies/{name}}). */
    public String getRegistryPolicyUrl() {
        return registryUrl == null || policy == null ? null
                : registryUrl + "/api/v1/policies/" + URLEncoder.encode(policy, StandardCharsets.UTF_8);
    }

    private String registryLink(String tail) {
        return registryUrl == null || repository == null || digest == null ? null
                : registryUrl + "/api/v1/repositories/" + repository + tail;
    }

    /** One finding as shown in the tables. */
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

        /** The advisory on OSV, which resolves CVE, GHSA and distribution ids alike. */
        public String getAdvisoryUrl() {
            return id == null ? null : "https://osv.dev/vulnerability/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        }
    }

    /** One policy condition's verdict. */
    public static final class ConditionRow {
        private final String name;
        private final boolean passed;
        private final String reason;

        public ConditionRow(String name, boolean passed, String reason) {
            this.name = name;
            this.passed = passed;
            this.reason = reason;
        }

        public String getName() { return name; }
        public boolean isPassed() { return passed; }
        public String getReason() { return reason; }
    }
}
