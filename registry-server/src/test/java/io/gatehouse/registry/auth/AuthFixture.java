package io.gatehouse.registry.auth;

import io.gatehouse.registry.accounts.PasswordHasher;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A migrated SQLite database (PostgreSQL under {@link io.gatehouse.registry.TestDatabase.OnPostgres}), an {@link AuthModule} on it, and (optionally) a plain Jetty server with the token
 * endpoint at {@code /auth/token}, the management API at {@code /api/v1}, and a stand-in for the registry's
 * {@code /v2/} routes that asks the access controller exactly as the registry does — so auth is tested over HTTP
 * before (and independently of) the registry server.
 */
public final class AuthFixture implements AutoCloseable {

    /** Cheap Argon2id parameters: the tests check behaviour, not hashing cost. */
    public static final PasswordHasher FAST_HASHER = new PasswordHasher(256, 1, 1);
    public static final String ADMIN_PASSWORD = "admin-password-1";

    public final Jdbi jdbi;
    private final io.gatehouse.registry.metadata.Database database; // on PostgreSQL (TestDatabase.OnPostgres), else null
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T06:00:00Z"));
    public final AuthModule auth;
    public final AtomicReference<String> realm = new AtomicReference<>("http://127.0.0.1:0/auth/token");
    private Server server;
    public String base;

    public AuthFixture(Path dir, boolean anonymousPull) {
        this(dir, anonymousPull, TokenKeys.ephemeral());
    }

    public AuthFixture(Path dir, boolean anonymousPull, TokenKeys keys) {
        this(dir, anonymousPull, keys, FAST_HASHER);
    }

    /** With {@code hasher}: a slower one makes concurrent password checks overlap, as in production. */
    public AuthFixture(Path dir, boolean anonymousPull, TokenKeys keys, PasswordHasher hasher) {
        if (io.gatehouse.registry.TestDatabase.onPostgres()) {
            var pg = io.gatehouse.testing.PostgresCluster.shared();
            this.database = io.gatehouse.registry.metadata.Database.openPostgres(io.gatehouse.registry.TestDatabase.migratedDatabase(),
                    pg.user(), pg.password(), 4);
            this.jdbi = database.jdbi();
        } else {
            this.database = null;
            this.jdbi = migratedDatabase(dir.resolve("registry.db"));
        }
        AuthConfig config = AuthConfig.defaults(realm::get).withAnonymousPull(anonymousPull)
                .withEnv(Map.of(AuthConfig.ADMIN_PASSWORD_ENV, ADMIN_PASSWORD)::get);
        this.auth = AuthModule.create(jdbi, keys, config, clock, hasher,
                new LoginThrottle(clock, 5, 20, Duration.ofMinutes(5)), repo -> repo.endsWith("/exists"));
    }

    public static Jdbi migratedDatabase(Path file) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(10_000);
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.enforceForeignKeys(true);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + file);
        io.gatehouse.registry.metadata.Migrations.migrate(ds, io.gatehouse.registry.metadata.Dialect.SQLITE.migrationFolders());
        return Jdbi.create(ds);
    }

    /** Starts Jetty on a free loopback port with the auth handlers and the {@code /v2/} stand-in. */
    public AuthFixture start() throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        Handler.Sequence seq = new Handler.Sequence();
        AccessController ac = auth.accessController();
        TokenEndpoint tokenEndpoint = auth.tokenEndpoint();
        seq.addHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                if (path.startsWith("/auth/")) return tokenEndpoint.handle(request, response, callback);
                if (path.startsWith("/api/v1")) return auth.api().handle(request, response, callback);
                if (path.startsWith("/v2/")) return new FakeV2(ac).handle(request, response, callback);
                return false;
            }
        });
        server.setHandler(seq);
        server.start();
        base = "http://127.0.0.1:" + c.getLocalPort();
        realm.set(base + "/auth/token");
        return this;
    }

    @Override
    public void close() throws Exception {
        if (server != null) server.stop();
        if (database != null) database.close();
    }

    /** A clock the tests move by hand (token expiry, throttling windows, service-account expiry). */
    public static final class MutableClock extends Clock {
        private volatile Instant now;

        public MutableClock(Instant start) {
            this.now = start;
        }

        public void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
