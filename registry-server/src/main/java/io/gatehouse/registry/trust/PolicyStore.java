package io.gatehouse.registry.trust;

import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyDocuments;
import io.gatehouse.core.reference.RepositoryName;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Policy documents stored in the registry, versioned by name (save = new version), and which policies promote
 * automatically from which repository. Documents are validated on save ({@link io.gatehouse.core.policy.PolicyValidationException}
 * with JSON paths) and kept as the user wrote them.
 */
public final class PolicyStore {
    public record StoredPolicy(String name, int version, String document, long createdAt, String createdBy) {
        public Policy policy() {
            return PolicyDocuments.parse(document);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public PolicyStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public StoredPolicy save(String document, String actor) {
        Policy p = PolicyDocuments.parse(document);
        long now = clock.millis();
        // two saves of one name at once (two replicas) both compute the same next version; the loser tries again
        for (int attempt = 1; ; attempt++) {
            try {
                return saveOnce(p, document, actor, now);
            } catch (RuntimeException e) {
                if (attempt >= 5 || !io.gatehouse.registry.metadata.Dialect.isUniqueViolation(e)) throw e;
            }
        }
    }

    private StoredPolicy saveOnce(Policy p, String document, String actor, long now) {
        return jdbi.inTransaction(h -> {
            int next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM policies WHERE name = :n").bind("n", p.name()).mapTo(Integer.class).one();
            h.createUpdate("INSERT INTO policies (name, version, document, created_at, created_by) VALUES (:n, :v, :d, :now, :a)")
                    .bind("n", p.name()).bind("v", next).bind("d", document).bind("now", now).bind("a", actor).execute();
            return new StoredPolicy(p.name(), next, document, now, actor);
        });
    }

    public Optional<StoredPolicy> latest(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, version, document, created_at, created_by FROM policies WHERE name = :n ORDER BY version DESC LIMIT 1")
                .bind("n", name).map((rs, c) -> row(rs)).findOne());
    }

    public Optional<StoredPolicy> version(String name, int version) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, version, document, created_at, created_by FROM policies WHERE name = :n AND version = :v")
                .bind("n", name).bind("v", version).map((rs, c) -> row(rs)).findOne());
    }

    public List<StoredPolicy> versions(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, version, document, created_at, created_by FROM policies WHERE name = :n ORDER BY version")
                .bind("n", name).map((rs, c) -> row(rs)).list());
    }

    public List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT name FROM policies ORDER BY name").mapTo(String.class).list());
    }

    /** Attaches a (saved) policy to a source repository for automatic promotion. */
    public void attachAutoPromotion(String repository, String policyName, String actor) {
        RepositoryName.of(repository);
        StoredPolicy p = latest(policyName).orElseThrow(() -> new IllegalArgumentException("no policy named " + policyName));
        if (p.policy().promotion() == null) throw new IllegalArgumentException("policy " + policyName + " has no promotion section");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO auto_promotions (repository, policy_name, created_at, created_by) VALUES (:r, :p, :now, :a) ON CONFLICT DO NOTHING")
                .bind("r", repository).bind("p", policyName).bind("now", clock.millis()).bind("a", actor).execute());
    }

    public boolean detachAutoPromotion(String repository, String policyName) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM auto_promotions WHERE repository = :r AND policy_name = :p")
                .bind("r", repository).bind("p", policyName).execute()) > 0;
    }

    public List<String> autoPromotions(String repository) {
        return jdbi.withHandle(h -> h.createQuery("SELECT policy_name FROM auto_promotions WHERE repository = :r ORDER BY policy_name")
                .bind("r", repository).mapTo(String.class).list());
    }

    private static StoredPolicy row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredPolicy(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }
}
