package io.gatehouse.registry.audit;

import io.gatehouse.registry.auth.Principal;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link AuditLog} in the registry's database (table {@code audit_events}). Writes through {@link Jdbi#useHandle}, which
 * reuses a handle this thread already has open on the same Jdbi: inside a content transaction the record joins it.
 *
 * <p>A write outside any transaction (a management API change, already committed; a login) that the database refuses
 * goes to the {@link AuditSpool} instead, and is replayed into the database, in order, by a background task and by the
 * next write that succeeds. Inside a transaction a refusal still throws, so that the change is rolled back.
 */
public final class JdbiAuditLog implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiAuditLog.class);
    private static final int MAX_FIELD = 2000;

    /** How often the background task retries a non-empty spool. */
    public static final Duration REPLAY_INTERVAL = Duration.ofSeconds(2);

    // One daemon thread for every audit log of the process; a task ends once its log is no longer referenced.
    private static final ScheduledExecutorService REPLAYER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-audit-replay");
        t.setDaemon(true);
        return t;
    });

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditSpool spool;
    private final AtomicBoolean outage = new AtomicBoolean();

    /** Without a spool: every refused write throws {@link AuditUnavailableException}. */
    public JdbiAuditLog(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, null);
    }

    /** @param spool where refused writes outside a transaction go ({@code null}: none, they throw) */
    public JdbiAuditLog(Jdbi jdbi, Clock clock, AuditSpool spool) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.spool = spool;
        if (spool != null) scheduleReplay(this);
    }

    private static void scheduleReplay(JdbiAuditLog log) {
        WeakReference<JdbiAuditLog> ref = new WeakReference<>(log);
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        // first run at once: events spooled before a restart go in as soon as the database is there
        self[0] = REPLAYER.scheduleWithFixedDelay(() -> {
            JdbiAuditLog l = ref.get();
            if (l == null) {
                if (self[0] != null) self[0].cancel(false);
            } else if (l.spool.pending() > 0) {
                l.replay();
            }
        }, 0, REPLAY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void record(AuditEvent e) {
        boolean[] inTransaction = {false};
        try {
            jdbi.useHandle(h -> {
                inTransaction[0] = h.isInTransaction();
                // spooled events go first, so that the log keeps its order; while they cannot, this one queues behind them
                if (spool != null && !inTransaction[0] && spool.pending() > 0 && !replay()) {
                    throw new IllegalStateException("the audit spool could not be replayed");
                }
                insert(h, e, null);
            });
        } catch (RuntimeException ex) {
            if (spool == null || inTransaction[0]) {
                LOG.error("could not write audit event {} on {}; refusing the action", e.action(), e.target(), ex);
                throw new AuditUnavailableException("could not write audit event " + e.action(), ex);
            }
            toSpool(e, ex);
        }
    }

    private void toSpool(AuditEvent e, RuntimeException cause) {
        try {
            spool.append(e);
        } catch (IOException io) {
            io.addSuppressed(cause);
            LOG.error("could not write audit event {} on {} to the database nor to the spool {}; refusing the action",
                    e.action(), e.target(), spool.file(), io);
            throw new AuditUnavailableException("could not write audit event " + e.action(), io);
        }
        // once per outage, not per event: the metric gatehouse_audit_spooled counts them
        if (outage.compareAndSet(false, true)) {
            LOG.error("the audit store refuses writes; queueing audit events in {} until it is back", spool.file(), cause);
        } else {
            LOG.debug("audit event {} on {} spooled", e.action(), e.target());
        }
    }

    /** Moves the spool into the database; whether it is now empty. */
    private boolean replay() {
        try {
            boolean empty = spool.replay(s -> jdbi.useHandle(h -> insert(h, s.event(), s.id())));
            if (empty && outage.compareAndSet(true, false)) LOG.warn("the audit store accepts writes again; spooled audit events replayed");
            return empty;
        } catch (RuntimeException ex) {
            LOG.debug("audit spool not replayed yet: {}", ex.toString());
            return false;
        }
    }

    /** Inserts {@code e}; with a spool id, only when no event with that id is stored yet (a replay may repeat). */
    private static void insert(Handle h, AuditEvent e, String spoolId) {
        h.createUpdate("INSERT INTO audit_events(at, actor, actor_kind, action, target, source_addr, outcome, detail, spool_id) "
                        + "SELECT ?,?,?,?,?,?,?,?,? WHERE ? IS NULL OR NOT EXISTS (SELECT 1 FROM audit_events WHERE spool_id = ?)")
                .bind(0, e.at().toEpochMilli()).bind(1, cap(e.actor())).bind(2, cap(e.actorKind())).bind(3, cap(e.action()))
                .bind(4, cap(e.target())).bind(5, cap(e.sourceAddress())).bind(6, e.outcome().name().toLowerCase(Locale.ROOT))
                .bind(7, cap(e.detail())).bind(8, spoolId).bind(9, spoolId).bind(10, spoolId).execute();
    }

    @Override
    public void record(Principal actor, String action, String target, String sourceAddress, AuditEvent.Outcome outcome, String detail) {
        Principal p = actor == null ? Principal.ANONYMOUS : actor;
        record(new AuditEvent(0, clock.instant(), p.name(), p.kind().name().toLowerCase(Locale.ROOT), action, target, sourceAddress, outcome, detail));
    }

    @Override
    public List<AuditEvent> query(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.actor() != null) { sql.append(" AND actor = ?"); args.add(q.actor()); }
        if (q.action() != null) {
            if (q.action().endsWith("*")) { prefix(sql, args, "action", q.action()); }
            else { sql.append(" AND action = ?"); args.add(q.action()); }
        }
        if (q.target() != null) {
            if (q.target().endsWith("*")) { prefix(sql, args, "target", q.target()); }
            else { sql.append(" AND target = ?"); args.add(q.target()); }
        }
        if (q.since() != null) { sql.append(" AND at >= ?"); args.add(q.since().toEpochMilli()); }
        if (q.until() != null) { sql.append(" AND at < ?"); args.add(q.until().toEpochMilli()); }
        if (q.beforeId() > 0) { sql.append(" AND id < ?"); args.add(q.beforeId()); }
        sql.append(" ORDER BY id DESC LIMIT ").append(q.limit());
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql.toString());
            for (int i = 0; i < args.size(); i++) query.bind(i, args.get(i));
            return query.map((rs, ctx) -> new AuditEvent(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")), rs.getString("actor"),
                    rs.getString("actor_kind"), rs.getString("action"), rs.getString("target"), rs.getString("source_addr"),
                    AuditEvent.Outcome.valueOf(rs.getString("outcome").toUpperCase(Locale.ROOT)), rs.getString("detail"))).list();
        });
    }

    /**
     * {@code column} starts with {@code prefixStar} less its star, case-sensitively in both databases (SQLite's LIKE
     * ignores ASCII case, PostgreSQL's does not; substr counts characters in both).
     */
    private static void prefix(StringBuilder sql, List<Object> args, String column, String prefixStar) {
        String p = prefixStar.substring(0, prefixStar.length() - 1);
        sql.append(" AND substr(").append(column).append(", 1, ?) = ?");
        args.add(p.codePointCount(0, p.length()));
        args.add(p);
    }

    /** At most MAX_FIELD characters, and no NUL (PostgreSQL refuses it in text: the event would be lost). */
    private static String cap(String s) {
        if (s.indexOf('\u0000') >= 0) s = s.replace('\u0000', '\uFFFD');
        return s.length() > MAX_FIELD ? s.substring(0, MAX_FIELD) + "…" : s;
    }
}
