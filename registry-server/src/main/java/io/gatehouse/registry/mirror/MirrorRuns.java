package io.gatehouse.registry.mirror;

import io.gatehouse.core.copy.MirrorReport;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The record of server-side mirror runs (table {@code mirror_runs}, migrations V80 and V91). Holds no credentials.
 *
 * <p>A RUNNING run is held by the replica running it until {@code lease_until}, which that replica keeps renewing
 * ({@link MirrorLeases}). A replica killed in the middle of a run leaves a row whose lease runs out: any replica then
 * records it as {@code INTERRUPTED} ("replica stopped"), so the history tells what happened and no run stays RUNNING.
 */
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

    /** The status of a run whose replica stopped (killed, machine lost) before the run ended. */
    public static final String INTERRUPTED = "INTERRUPTED";

    /** Records a run as RUNNING, held by {@code node} until {@code leaseUntil} (epoch ms); returns its id. */
    public long start(String requestedBy, String upstream, String target, String filter, boolean dryRun, String node, long leaseUntil) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO mirror_runs (requested_by, upstream, target, filter, dry_run, status, started_at, "
                        + "claimed_by, lease_until) VALUES (:by, :up, :t, :f, :d, 'RUNNING', :now, :node, :until)")
                .bind("by", requestedBy).bind("up", upstream).bind("t", target).bind("f", filter).bind("d", dryRun ? 1 : 0)
                .bind("now", clock.millis()).bind("node", node).bind("until", leaseUntil)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    /** Extends {@code node}'s lease on a run it is still running; false when the run is no longer RUNNING under it. */
    public boolean renew(long id, String node, long leaseUntil) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE mirror_runs SET lease_until = :until WHERE id = :id AND status = 'RUNNING' "
                + "AND claimed_by = :node").bind("until", leaseUntil).bind("id", id).bind("node", node).execute()) == 1;
    }

    /**
     * Marks INTERRUPTED every RUNNING run whose lease ended before {@code now}: its replica stopped renewing it (it
     * was killed, or lost the database for longer than the lease). Any replica may do this; returns how many runs it
     * ended. Each row is ended by a conditional update, so a run whose lease was renewed meanwhile stays RUNNING.
     */
    public int interruptExpired(long now, String byNode) {
        return jdbi.withHandle(h -> {
            List<long[]> expired = h.createQuery("SELECT id, lease_until FROM mirror_runs WHERE status = 'RUNNING' AND lease_until < :now")
                    .bind("now", now).map((rs, ctx) -> new long[]{rs.getLong(1), rs.getLong(2)}).list();
            int n = 0;
            for (long[] run : expired) {
                String why = ": its lease on the run ended at " + Instant.ofEpochMilli(run[1])
                        + " without renewal; marked interrupted at " + Instant.ofEpochMilli(now) + " by " + byNode;
                n += h.createUpdate("UPDATE mirror_runs SET status = '" + INTERRUPTED + "', finished_at = :now, summary = "
                                + "'replica stopped (' || COALESCE(claimed_by, 'unknown replica') || ')' || :why WHERE id = :id AND status = 'RUNNING' AND lease_until < :now")
                        .bind("now", now).bind("why", why).bind("id", run[0]).execute();
            }
            return n;
        });
    }

    /**
     * Marks INTERRUPTED every RUNNING run into {@code target}, whatever its lease. Only for a caller holding the
     * target's {@code mirror:<target>} lock: then no other run into it can be under way, so such a row is a run whose
     * replica stopped (or one recorded before runs had leases), and it need not wait for its lease to end.
     */
    public int interruptRunningInto(String target, String byNode) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("UPDATE mirror_runs SET status = '" + INTERRUPTED + "', finished_at = :now, summary = "
                        + "'replica stopped (' || COALESCE(claimed_by, 'unknown replica') || ')' || :why WHERE status = 'RUNNING' AND target = :t")
                .bind("now", now).bind("t", target)
                .bind("why", ": the run did not finish; marked interrupted at " + Instant.ofEpochMilli(now) + " by " + byNode
                        + " as a new run into " + target + " started")
                .execute());
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
