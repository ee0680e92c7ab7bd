package io.gatehouse.registry.audit;

import io.gatehouse.registry.auth.Principal;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link AuditLog} in the registry's database (table {@code audit_events}). Writes through {@link Jdbi#useHandle}, which
 * reuses a handle this thread already has open on the same Jdbi: inside a content transaction the record joins it.
 */
public final class JdbiAuditLog implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiAuditLog.class);
    private static final int MAX_FIELD = 2000;

    private final Jdbi jdbi;
    private final Clock clock;

    public JdbiAuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public void record(AuditEvent e) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_events(at, actor, actor_kind, action, target, source_addr, outcome, detail) VALUES (?,?,?,?,?,?,?,?)")
                    .bind(0, e.at().toEpochMilli()).bind(1, cap(e.actor())).bind(2, cap(e.actorKind())).bind(3, cap(e.action()))
                    .bind(4, cap(e.target())).bind(5, cap(e.sourceAddress())).bind(6, e.outcome().name().toLowerCase(Locale.ROOT))
                    .bind(7, cap(e.detail())).execute());
        } catch (RuntimeException ex) {
            LOG.error("could not write audit event {} on {}; refusing the action", e.action(), e.target(), ex);
            throw new AuditUnavailableException("could not write audit event " + e.action(), ex);
        }
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
            if (q.action().endsWith("*")) { sql.append(" AND action LIKE ? ESCAPE '\\'"); args.add(like(q.action())); }
            else { sql.append(" AND action = ?"); args.add(q.action()); }
        }
        if (q.target() != null) {
            if (q.target().endsWith("*")) { sql.append(" AND target LIKE ? ESCAPE '\\'"); args.add(like(q.target())); }
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

    private static String like(String prefixStar) {
        String p = prefixStar.substring(0, prefixStar.length() - 1);
        return p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static String cap(String s) {
        return s.length() > MAX_FIELD ? s.substring(0, MAX_FIELD) + "…" : s;
    }
}
