package io.gatehouse.registry.trust;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyDocuments;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.cluster.ClusterEvents;
import io.gatehouse.registry.cluster.LocalClusterEvents;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-repository gate settings: protected (images arrive only through promotion), immutable tags, and a pull
 * policy. Read on every manifest push and pull, so cached; a change is told to every replica through the
 * {@link ClusterEvents} (within the cluster's bound), and the short TTL is the last resort should that news be lost.
 */
public final class RepositoryGates {
    /**
     * @param pullPolicy a policy whose conditions (scan report, signatures) every pulled image must meet; tag
     *                   conditions are ignored for pulls, since a pull by digest has no tag
     */
    public record Settings(boolean protectedRepository, boolean immutableTags, Policy pullPolicy) {
        public static final Settings NONE = new Settings(false, false, null);
    }

    private static final Duration TTL = Duration.ofSeconds(5);
    private final Jdbi jdbi;
    private final Clock clock;
    private final Cache<String, Settings> cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();
    private final ClusterEvents cluster;
    private final AtomicLong generation = new AtomicLong();
    static final String TOPIC = "repository-gates";

    public RepositoryGates(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, new LocalClusterEvents());
    }

    public RepositoryGates(Jdbi jdbi, Clock clock, ClusterEvents cluster) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.cluster = cluster;
        cluster.subscribe(TOPIC, repository -> {
            generation.incrementAndGet();
            if (repository.isEmpty()) {
                cache.invalidateAll(); // a reset
            } else {
                cache.invalidate(repository);
            }
        });
    }

    public Settings get(String repository) {
        long g = generation.get();
        Settings s = cache.get(repository, this::load);
        // a change arrived while this was loading: the answer may predate it, so do not keep it
        if (generation.get() != g) cache.invalidate(repository);
        return s;
    }

    public void set(String repository, Settings settings, String actor) {
        RepositoryName.of(repository);
        String policy = settings.pullPolicy() == null ? null : PolicyDocuments.toJson(settings.pullPolicy());
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO repository_gates (repository, protected, immutable_tags, pull_policy, updated_at, updated_by)
                        VALUES (:r, :p, :i, :policy, :now, :actor)
                        ON CONFLICT (repository) DO UPDATE SET protected = excluded.protected, immutable_tags = excluded.immutable_tags,
                            pull_policy = excluded.pull_policy, updated_at = excluded.updated_at, updated_by = excluded.updated_by""")
                .bind("r", repository).bind("p", settings.protectedRepository() ? 1 : 0).bind("i", settings.immutableTags() ? 1 : 0)
                .bind("policy", policy).bind("now", clock.millis()).bind("actor", actor).execute());
        cluster.publish(TOPIC, repository);
    }

    private Settings load(String repository) {
        Optional<Settings> s = jdbi.withHandle(h -> h.createQuery("SELECT protected, immutable_tags, pull_policy FROM repository_gates WHERE repository = :r")
                .bind("r", repository)
                .map((rs, ctx) -> new Settings(rs.getInt(1) != 0, rs.getInt(2) != 0,
                        rs.getString(3) == null ? null : PolicyDocuments.parse(rs.getString(3))))
                .findOne());
        return s.orElse(Settings.NONE);
    }
}
