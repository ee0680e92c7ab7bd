package io.gatehouse.registry.ui;

import java.util.List;

/**
 * What the templates (src/main/jte) render: plain immutable records, already worded and formatted, so templates hold
 * no logic beyond loops and conditions. Every string here is data and JTE escapes it where it is written.
 */
public final class UiModel {
    private UiModel() {
    }

    /** The frame of every page: title, who is signed in, the CSRF token for the page's forms, the active menu entry. */
    public record Page(String title, String user, boolean admin, String csrf, String section) {
        public boolean signedIn() {
            return user != null;
        }
    }

    public record Link(String label, String href) {
    }

    public record Message(String kind, String text) {
    }

    public record Login(String user, String next, String error) {
    }

    public record ErrorPage(int status, String heading, String text) {
    }

    // repositories

    public record RepoRow(String name, String href, String org, String visibility, String lastPush, int tags) {
    }

    public record RepoList(List<RepoRow> rows, String q, String org, String visibility, List<String> orgs,
                           Link previous, Link next, int shown, int total) {
    }

    /** Counts by severity and fixable; null fields of a tag not scanned are replaced by {@code state}. */
    public record ScanBadge(String state, int critical, int high, int medium, int low, int unknown, int fixable) {
        public boolean done() {
            return "done".equals(state);
        }
    }

    public record TagRow(String tag, String digest, String shortDigest, String href, String size, String platforms,
                         String pushedAt, ScanBadge scan, boolean signed) {
    }

    public record Repository(String name, String visibility, boolean protectedRepository, boolean immutableTags,
                             String pullPolicy, String dockerPull, String podmanPull, List<TagRow> tags, int tagCount,
                             Link first, Link next, String severityChart, String trendChart, List<String> autoPromotions) {
    }

    // an image

    public record Platform(String platform, String digest, String href) {
    }

    public record Layer(String mediaType, String digest, String size) {
    }

    public record KeyValue(String key, String value) {
    }

    public record FindingRow(String id, String href, String severity, String packageName, String installed,
                             String fixed, String title) {
    }

    public record Findings(String severity, String pkg, String fixable, String sort, List<FindingRow> rows, int total,
                           List<Link> sortLinks) {
    }

    public record Signature(String keyId, String keyName, String reference, boolean valid, String reason) {
    }

    public record Referrer(String artifactType, String digest, String size, String href) {
    }

    public record Image(String repository, String reference, String digest, String mediaType, boolean index,
                        List<Platform> platforms, List<Layer> layers, String platform, String totalSize,
                        List<KeyValue> annotations, List<String> tags, String dockerPull, String podmanPull,
                        String scanState, String scanReason, ScanBadge scan, String scannedAt, String databaseVersion,
                        Findings findings, String sbomHref, List<Signature> signatures, List<List<KeyValue>> provenance,
                        List<Referrer> referrers, boolean mayScan, boolean mayPromote, String repositoryHref,
                        String scanAction, String promoteHref) {
    }

    public record Condition(String name, String expected, String actual, boolean passed, String reason) {
    }

    public record Promote(String repository, String digest, String reference, String imageHref, String action,
                          List<String> policies, String policy, String target, Boolean passes, List<Condition> conditions,
                          Message result, String tag) {
    }

    // vulnerabilities, policies, audit, administration

    public record AffectedImage(String repository, String digest, String href) {
    }

    public record Vulnerabilities(String id, List<AffectedImage> images, boolean searched, String databaseVersion,
                                  List<KeyValue> counts, String lastImport) {
    }

    public record AuditRow(String at, String actor, String action, String target, String address, String outcome,
                           String detail) {
    }

    public record Audit(String actor, String action, String target, List<AuditRow> rows, Link older) {
    }
}
