package io.gatehouse.registry.scan.service;

import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Optional;

/**
 * The scan tables of the registry database (migration V60): job status, per-repository settings, and the index of
 * stored reports (summary per image, findings per image) for queries such as "images with a fixable CRITICAL".
 *
 * <p>Jobs are durable rows, claimed by one replica's worker under a lease (V90: {@code claimed_by},
 * {@code lease_until}): on PostgreSQL with {@code FOR UPDATE SKIP LOCKED}, so that workers of all replicas take
 * different jobs without waiting for each other; on SQLite (one process) in one exclusive transaction. A job whose
 * lease ran out (its replica died, or hangs) is claimed again by whoever asks next.
 */
public final class ScanIndex {
    private final Jdbi jdbi;
    private final boolean postgres;

    public ScanIndex(Jdbi jdbi) {
        this(jdbi, false);
    }

    /** @param postgres claim with {@code FOR UPDATE SKIP LOCKED} (replicas on PostgreSQL) */
    public ScanIndex(Jdbi jdbi, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
    }

    /** A claimed job: the image to scan. */
    public record Claim(String repository, String digest) {
    }

    /**
     * Claims the oldest job that is queued, or running under a lease that ended before {@code now}, for {@code node}
     * until {@code leaseUntil}: it becomes RUNNING, claimed by node. Empty when there is nothing to do.
     */
    public Optional<Claim> claimNext(String node, long now, long leaseUntil) {
        if (postgres) {
            return jdbi.withHandle(h -> h.createQuery("UPDATE scan_job SET status = 'RUNNING', claimed_by = :node, lease_until = :until, "
                            + "started_at = :now WHERE (repository, manifest_digest) = (SELECT repository, manifest_digest FROM scan_job "
                            + "WHERE status = 'QUEUED' OR (status = 'RUNNING' AND (lease_until IS NULL OR lease_until < :now)) "
                            + "ORDER BY queued_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING repository, manifest_digest")
                    .bind("node", node).bind("until", leaseUntil).bind("now", now)
                    .map((rs, c) -> new Claim(rs.getString(1), rs.getString(2))).findOne());
        }
        return jdbi.inTransaction(h -> {
            Optional<Claim> next = h.createQuery("SELECT repository, manifest_digest FROM scan_job WHERE status = 'QUEUED' "
                            + "OR (status = 'RUNNING' AND (lease_until IS NULL OR lease_until < :now)) ORDER BY queued_at LIMIT 1")
                    .bind("now", now).map((rs, c) -> new Claim(rs.getString(1), rs.getString(2))).findOne();
            next.ifPresent(c -> h.createUpdate("UPDATE scan_job SET status = 'RUNNING', claimed_by = :node, lease_until = :until, "
                            + "started_at = :now WHERE repository = :r AND manifest_digest = :d")
                    .bind("node", node).bind("until", leaseUntil).bind("now", now).bind("r", c.repository()).bind("d", c.digest()).execute());
            return next;
        });
    }

    /** Extends {@code node}'s lease on a job it still holds; false when it lost it (another replica took it over). */
    public boolean renew(String node, String repository, String digest, long leaseUntil) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE scan_job SET lease_until = ? WHERE repository = ? AND manifest_digest = ? "
                + "AND status = 'RUNNING' AND claimed_by = ?").bind(0, leaseUntil).bind(1, repository).bind(2, digest).bind(3, node).execute()) == 1;
    }

    /**
     * A single node starting: the jobs a previous process of it left running are claimable at once (no replica can be
     * running them). Never called with replicas, where they wait for their lease to end.
     */
    public void releaseClaims() {
        jdbi.useHandle(h -> h.execute("UPDATE scan_job SET lease_until = NULL WHERE status = 'RUNNING'"));
    }

    /** A row of the report index. */
    public record IndexedReport(String repository, String manifestDigest, String reportManifest, String sbomManifest,
                                String databaseVersion, String scannerVersion, String scannedAt, int critical,
                                int high, int medium, int low, int unknown, int total, int fixable) {
    }

    public Optional<Boolean> scanOnPush(String repository) {
        return jdbi.withHandle(h -> h.createQuery("SELECT scan_on_push FROM scan_repository_settings WHERE repository = ?")
                .bind(0, repository).mapTo(Boolean.class).findOne());
    }

    public void setScanOnPush(String repository, boolean on) {
        jdbi.useHandle(h -> h.execute("INSERT INTO scan_repository_settings(repository, scan_on_push) VALUES (?, ?) "
                + "ON CONFLICT(repository) DO UPDATE SET scan_on_push = excluded.scan_on_push", repository, on ? 1 : 0));
    }

    /** Marks an image queued unless it already is queued or running; true when this call queued it. */
    public boolean queue(String repository, String digest, String requestedBy, long now) {
        return jdbi.inTransaction(h -> {
            Optional<String> state = h.createQuery("SELECT status FROM scan_job WHERE repository = ? AND manifest_digest = ?")
                    .bind(0, repository).bind(1, digest).mapTo(String.class).findOne();
            if (state.isPresent() && (state.get().equals("QUEUED") || state.get().equals("RUNNING"))) {
                return false;
            }
            h.execute("INSERT INTO scan_job(repository, manifest_digest, status, reason, requested_by, queued_at) "
                            + "VALUES (?, ?, 'QUEUED', NULL, ?, ?) ON CONFLICT(repository, manifest_digest) DO UPDATE SET "
                            + "status = 'QUEUED', reason = NULL, requested_by = excluded.requested_by, "
                            + "queued_at = excluded.queued_at, started_at = NULL, finished_at = NULL, claimed_by = NULL, lease_until = NULL",
                    repository, digest, requestedBy, now);
            return true;
        });
    }

    public void running(String repository, String digest, long now) {
        jdbi.useHandle(h -> h.execute("UPDATE scan_job SET status = 'RUNNING', started_at = ? WHERE repository = ? "
                + "AND manifest_digest = ?", now, repository, digest));
    }

    public void finished(String repository, String digest, ScanStatus.State state, String reason, long now) {
        jdbi.useHandle(h -> h.execute("UPDATE scan_job SET status = ?, reason = ?, finished_at = ?, lease_until = NULL WHERE repository = ? "
                + "AND manifest_digest = ?", state.name(), reason, now, repository, digest));
    }

    /**
     * As {@link #finished(String, String, ScanStatus.State, String, long)}, only while {@code node} still holds the
     * job: a replica that lost its lease (another took the job over) does not overwrite the newer outcome.
     */
    public void finished(String node, String repository, String digest, ScanStatus.State state, String reason, long now) {
        jdbi.useHandle(h -> h.execute("UPDATE scan_job SET status = ?, reason = ?, finished_at = ?, lease_until = NULL WHERE repository = ? "
                + "AND manifest_digest = ? AND status = 'RUNNING' AND claimed_by = ?", state.name(), reason, now, repository, digest, node));
    }

    /** Jobs a previous process left queued or running (it stopped or crashed): they run again. */
    public List<String[]> unfinishedJobs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, manifest_digest FROM scan_job "
                        + "WHERE status IN ('QUEUED', 'RUNNING') ORDER BY queued_at")
                .map((rs, c) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    public Optional<ScanStatus> status(String repository, String digest) {
        return jdbi.withHandle(h -> h.createQuery("SELECT j.status, j.reason, r.database_version, r.report_manifest, "
                        + "r.sbom_manifest FROM scan_job j LEFT JOIN scan_report r ON r.repository = j.repository "
                        + "AND r.manifest_digest = j.manifest_digest WHERE j.repository = ? AND j.manifest_digest = ?")
                .bind(0, repository).bind(1, digest)
                .map((rs, c) -> new ScanStatus(repository, digest, ScanStatus.State.valueOf(rs.getString(1)),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .findOne());
    }

    public void storeReport(String repository, String digest, String reportManifest, String sbomManifest,
                            ScanReport report) {
        jdbi.useTransaction(h -> {
            h.execute("DELETE FROM scan_finding WHERE repository = ? AND manifest_digest = ?", repository, digest);
            var s = report.summary();
            h.execute("INSERT INTO scan_report(repository, manifest_digest, report_manifest, sbom_manifest, "
                            + "database_version, scanner_version, scanned_at, critical, high, medium, low, unknown, total, "
                            + "fixable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT(repository, manifest_digest) DO UPDATE SET report_manifest = excluded.report_manifest, "
                            + "sbom_manifest = excluded.sbom_manifest, database_version = excluded.database_version, "
                            + "scanner_version = excluded.scanner_version, scanned_at = excluded.scanned_at, "
                            + "critical = excluded.critical, high = excluded.high, medium = excluded.medium, "
                            + "low = excluded.low, unknown = excluded.unknown, total = excluded.total, "
                            + "fixable = excluded.fixable",
                    repository, digest, reportManifest, sbomManifest, report.databaseVersion(), report.scannerVersion(),
                    report.finishedAt(), s.count(Severity.CRITICAL), s.count(Severity.HIGH), s.count(Severity.MEDIUM),
                    s.count(Severity.LOW), s.count(Severity.UNKNOWN), s.total(), s.fixableTotal());
            var batch = h.prepareBatch("INSERT INTO scan_finding(repository, manifest_digest, vulnerability_id, "
                    + "package_name, installed_version, fixed_version, severity, package_type, layer_digest) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (Finding f : report.findings()) {
                batch.add(repository, digest, f.vulnerabilityId(), f.packageName(), f.installedVersion(),
                        f.fixedVersion(), f.severity().name(), f.packageType(), f.layerDigest());
            }
            if (!report.findings().isEmpty()) {
                batch.execute();
            }
        });
    }

    public Optional<IndexedReport> report(String repository, String digest) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, manifest_digest, report_manifest, sbom_manifest, "
                        + "database_version, scanner_version, scanned_at, critical, high, medium, low, unknown, total, "
                        + "fixable FROM scan_report WHERE repository = ? AND manifest_digest = ?")
                .bind(0, repository).bind(1, digest).map((rs, c) -> new IndexedReport(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12),
                        rs.getInt(13), rs.getInt(14))).findOne());
    }

    /** Every stored report summary of a repository (one per scanned image), for its severity chart. */
    public List<IndexedReport> reports(String repository) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, manifest_digest, report_manifest, sbom_manifest, "
                        + "database_version, scanner_version, scanned_at, critical, high, medium, low, unknown, total, "
                        + "fixable FROM scan_report WHERE repository = ?")
                .bind(0, repository).map((rs, c) -> new IndexedReport(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12),
                        rs.getInt(13), rs.getInt(14))).list());
    }

    /** Images whose stored report was made with another database build: the rescan worklist. */
    public List<String[]> reportsOlderThan(String databaseVersion) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, manifest_digest FROM scan_report "
                        + "WHERE database_version <> ? ORDER BY scanned_at").bind(0, databaseVersion)
                .map((rs, c) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    /** Images (repository, digest) with a finding of this vulnerability id. */
    /** Images whose last scan failed with exactly this reason (e.g. no vulnerability data yet). */
    public List<String[]> failedWith(String reason) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, manifest_digest FROM scan_job "
                        + "WHERE status = 'FAILED' AND reason = ?").bind(0, reason)
                .map((rs, c) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    public List<String[]> imagesAffectedBy(String vulnerabilityId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT repository, manifest_digest FROM scan_finding "
                        + "WHERE vulnerability_id = ? ORDER BY repository, manifest_digest").bind(0, vulnerabilityId)
                .map((rs, c) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    /** Images with at least one finding at {@code severity}, optionally only fixable ones. */
    public List<String[]> imagesWith(Severity severity, boolean fixableOnly) {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT repository, manifest_digest FROM scan_finding "
                        + "WHERE severity = ? " + (fixableOnly ? "AND fixed_version IS NOT NULL " : "")
                        + "ORDER BY repository, manifest_digest").bind(0, severity.name())
                .map((rs, c) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    public void forget(String repository, String digest) {
        jdbi.useTransaction(h -> {
            h.execute("DELETE FROM scan_finding WHERE repository = ? AND manifest_digest = ?", repository, digest);
            h.execute("DELETE FROM scan_report WHERE repository = ? AND manifest_digest = ?", repository, digest);
            h.execute("DELETE FROM scan_job WHERE repository = ? AND manifest_digest = ?", repository, digest);
        });
    }
}
