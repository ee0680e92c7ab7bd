package io.gatehouse.registry.mirror;

import io.gatehouse.core.copy.MirrorReport;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The record of server-side mirror runs (table {@code mirror_runs}, migration V80). Holds no credentials. */
public final class MirrorRuns {

    /** One run; {@code report} is the MirrorReport JSON once finished. */
    public record Run(long id, String requestedBy, String upstream, String target, String filter, boolean dryRun, String status,
                      int copied, int unchanged, int failed, long bytesMoved, Instant startedAt, Instant finishedAt, String summary,
                      String report) {
    }

    private static final String COLUMNS = "id, requested_by, upstream, target, filter, dry_run, status, copied, unchanged, failed, "
            + "bytes_moved, started_at, finished_at, summary, report";

    private final Jdbi jdbi;
    private final Clock clock;

    public MirrorRuns(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Records a run as RUNNING; returns its id. */
    public long start(String requestedBy, String upstream, String target, String filter, boolean dryRun) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO mirror_runs (requested_by, upstream, target, filter, dry_run, status, started_at) "
                        + "VALUES (:by, :up, :t, :f, :d, 'RUNNING', :now)")
                .bind("by", requestedBy).bind("up", upstream).bind("t", target).bind("f", filter).bind("d", dryRun ? 1 : 0)
                .bind("now", clock.millis())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    public void finish(long id, MirrorReport r) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE mirror_runs SET status = :s, copied = :c, unchanged = :u, failed = :f, bytes_moved = :b, "
                        + "finished_at = :now, summary = :sum, report = :rep WHERE id = :id")
                .bind("s", r.ok() ? "SUCCEEDED" : "FAILED").bind("c", r.dryRun() ? r.planned().size() : r.copied().size())
                .bind("u", r.skipped().size()).bind("f", r.failed().size()).bind("b", r.bytesMoved()).bind("now", clock.millis())
                .bind("sum", r.summary()).bind("rep", r.toJson()).bind("id", id).execute());
    }

    /** A run that ended before it produced a report (bad upstream, unreachable registry). */
    public void fail(long id, String reason) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE mirror_runs SET status = 'FAILED', finished_at = :now, summary = :sum WHERE id = :id")
                .bind("now", clock.millis()).bind("sum", reason).bind("id", id).execute());
    }

    public Optional<Run> get(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM mirror_runs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne());
    }

    /** Newest first. */
    public List<Run> list(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM mirror_runs ORDER BY id DESC LIMIT :n").bind("n", limit)
                .map((rs, ctx) -> row(rs)).list());
    }

    private static Run row(java.sql.ResultSet rs) throws java.sql.SQLException {
        long fin = rs.getLong("finished_at");
        boolean finished = !rs.wasNull();
        return new Run(rs.getLong("id"), rs.getString("requested_by"), rs.getString("upstream"), rs.getString("target"),
                rs.getString("filter"), rs.getInt("dry_run") != 0, rs.getString("status"), rs.getInt("copied"), rs.getInt("unchanged"),
                rs.getInt("failed"), rs.getLong("bytes_moved"), Instant.ofEpochMilli(rs.getLong("started_at")),
                finished ? Instant.ofEpochMilli(fin) : null, rs.getString("summary"), rs.getString("report"));
    }
}
