package io.gatehouse.registry;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.OpenAccess;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.cluster.Cluster;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.content.ContentGate;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.RegistryEvents;
import io.gatehouse.registry.gc.GarbageCollector;
import io.gatehouse.registry.http.JsonErrorHandler;
import io.gatehouse.registry.http.PemKeyStores;
import io.gatehouse.registry.http.PerAddressConnectionLimit;
import io.gatehouse.registry.http.RootHandler;
import io.gatehouse.registry.http.V2Handler;
import io.gatehouse.registry.metadata.Database;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.metrics.Metrics;
import io.gatehouse.registry.storage.DigestLocks;
import io.gatehouse.registry.storage.BlobStore;
import io.gatehouse.registry.storage.BlobStores;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The registry process, assembled: configuration → database (migrated) → blob store → content service → HTTP.
 * Embeddable in tests:
 * <pre>
 * try (RegistryServer s = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
 *     URI base = URI.create(s.baseUrl());
 * }
 * </pre>
 * Other capabilities plug in through the builder: an {@link AccessController}, handlers mounted at a path prefix,
 * {@link RegistryEvents} listeners and a {@link ContentGate}. Each has a factory overload receiving this server,
 * for parts that need the database or the content service while being built.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final RegistryConfig config;
    private final Clock clock;
    private final Database database;
    private final Cluster cluster;
    private final ContentService content;
    private final Metrics metrics;
    private final GarbageCollector gc;
    private final CompositeEvents events;
    private final CompositeEvents journal;
    private final GateHolder gate;
    private AccessController accessController;
    private Server jetty;
    private ServerConnector connector;
    private ScheduledExecutorService scheduler;
    private volatile boolean started;
    private volatile int boundPort;
    private volatile boolean closed;
    private final List<AutoCloseable> closeWith = new CopyOnWriteArrayList<>();

    public static Builder builder(RegistryConfig config) {
        return new Builder(config);
    }

    public static final class Builder {
        private final RegistryConfig config;
        private Function<RegistryServer, AccessController> access = s -> new OpenAccess();
        private final Map<String, Function<RegistryServer, Handler>> mounts = new LinkedHashMap<>();
        private final List<Function<RegistryServer, RegistryEvents>> listeners = new ArrayList<>();
        private final List<Function<RegistryServer, RegistryEvents>> journals = new ArrayList<>();
        private Function<RegistryServer, ContentGate> gate = s -> ContentGate.ALLOW_ALL;
        private Function<RegistryServer, Handler> fallback = s -> null;
        private Clock clock = Clock.systemUTC();

        private Builder(RegistryConfig config) {
            this.config = config;
        }

        public Builder accessController(AccessController ac) {
            return accessController(s -> ac);
        }

        public Builder accessController(Function<RegistryServer, AccessController> factory) {
            this.access = factory;
            return this;
        }

        /** Serves every request whose path is {@code prefix} or starts with {@code prefix + "/"} (full path kept). */
        public Builder mount(String prefix, Handler handler) {
            return mount(prefix, s -> handler);
        }

        public Builder mount(String prefix, Function<RegistryServer, Handler> factory) {
            if (!prefix.startsWith("/") || prefix.equals("/") || prefix.equals("/v2") || prefix.startsWith("/v2/")) {
                throw new IllegalArgumentException("mount prefix must start with / and not be / or /v2: " + prefix);
            }
            mounts.put(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix, factory);
            return this;
        }

        /**
         * Serves every request that neither /v2, the built-in paths nor a mount takes (the web interface at /). Built
         * after the mounts and listeners, so it can use what they built.
         */
        public Builder fallback(Function<RegistryServer, Handler> factory) {
            this.fallback = factory;
            return this;
        }

        public Builder listener(RegistryEvents listener) {
            return listener(s -> listener);
        }

        public Builder listener(Function<RegistryServer, RegistryEvents> factory) {
            listeners.add(factory);
            return this;
        }

        /**
         * A listener told of each content change inside the change's database transaction (the audit log): when it
         * throws, the change is rolled back and the client gets the error. Keep it to a write on {@link RegistryServer#jdbi()}.
         */
        public Builder journal(Function<RegistryServer, RegistryEvents> factory) {
            journals.add(factory);
            return this;
        }

        public Builder contentGate(ContentGate gate) {
            return contentGate(s -> gate);
        }

        public Builder contentGate(Function<RegistryServer, ContentGate> factory) {
            this.gate = factory;
            return this;
        }

        /** The clock for upload expiry and GC grace periods (tests move it forward). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Opens the database (running migrations) and storage and prepares HTTP; nothing listens until start(). */
        public RegistryServer build() {
            return new RegistryServer(this);
        }
    }

    private RegistryServer(Builder b) {
        this.config = b.config.validated();
        this.clock = b.clock;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }
        this.database = openDatabase(config);
        Cluster c = null;
        try {
            // one node on SQLite, replicas on PostgreSQL: decided by the database, see Cluster
            c = Cluster.forDatabase(database.dataSource());
            this.cluster = c;
            MetadataStore meta = database.metadataStore(clock);
            BlobStore store = BlobStores.open(config);
            this.events = new CompositeEvents(false);
            this.journal = new CompositeEvents(true);
            this.gate = new GateHolder();
            DigestLocks locks = cluster.shared() ? new DigestLocks(cluster.locks()) : new DigestLocks();
            this.content = new ContentService(meta, store, locks, gate, journal, events, clock,
                    config.maxManifestBytes(), config.uploadExpiry(), config.gcGracePeriod(), config.gcKeepOrphanReferrers(),
                    cluster.events(), cluster.readLeases());
            this.metrics = new Metrics();
            metrics.storageSize(meta::totalBlobBytes);
            this.gc = new GarbageCollector(content, clock, config.gcGracePeriod(), config.gcDeleteUntagged(), cluster.locks());

            this.accessController = b.access.apply(this);
            this.gate.target = b.gate.apply(this);
            for (var l : b.listeners) events.add(l.apply(this));
            for (var j : b.journals) journal.add(j.apply(this));
            Map<String, Handler> mounted = new LinkedHashMap<>();
            for (var m : b.mounts.entrySet()) mounted.put(m.getKey(), m.getValue().apply(this));
            buildJetty(mounted, b.fallback.apply(this));
        } catch (IOException | RuntimeException e) {
            if (c != null) c.close();
            database.close();
            if (e instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e);
        }
    }

    /** The metadata database of {@code storage.database}: a SQLite file, or PostgreSQL for a {@code jdbc:postgresql:} URL. */
    public static Database openDatabase(RegistryConfig config) {
        if (config.databaseDialect() == io.gatehouse.registry.metadata.Dialect.POSTGRESQL) {
            return Database.openPostgres(config.databaseUrl(), config.databaseUser(), config.databasePassword(), config.databasePoolSize());
        }
        return Database.open(config.database(), config.databasePoolSize());
    }

    private void buildJetty(Map<String, Handler> mounted, Handler fallback) {
        io.gatehouse.registry.http.JettyMemoryHint.apply();
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("gatehouse-http");
        // A bounded buffer pool whose largest bucket holds the 256 KiB input buffers below: Jetty's default pool stops
        // at 64 KiB, so bigger buffers were allocated fresh (direct memory, freed only by GC) on every read, which
        // cost manifest-GET throughput and pushed resident memory past 400 MiB under -Xmx256m.
        jetty = new Server(threads, null, new org.eclipse.jetty.io.ArrayByteBufferPool(0, 4096, 1 << 20, -1, 64L << 20, 64L << 20));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // No ambiguous path is accepted (encoded "." or "..", %2F, %00, empty segments, ";" parameters): a proxy in
        // front that allows or denies by path would see another path than the router, so its rules could be
        // bypassed. Jetty refuses them with 400, which JsonErrorHandler turns into NAME_INVALID under /v2.
        http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.DEFAULT);
        http.setIdleTimeout(config.idleTimeout().toMillis());
        // The client address of every request (throttling, audit) is decided here, once: the peer, or behind a
        // trusted reverse proxy the address it reports.
        io.gatehouse.registry.auth.ClientAddresses clientAddresses = new io.gatehouse.registry.auth.ClientAddresses(config.trustedProxies());
        http.addCustomizer(clientAddresses);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        // Layer pushes arrive as long request bodies: Jetty's default 8 KiB input buffer turned a 1 GiB push into
        // ~130,000 socket reads and made the kernel, not hashing, the bottleneck (bench/registry.sh). Buffers are
        // pooled and released when a connection idles, so manifest-GET concurrency does not pay for this.
        h1.setInputBufferSize(256 * 1024);
        if (config.tlsEnabled()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            try {
                ssl.setKeyStore(PemKeyStores.load(config.tlsCertificate(), config.tlsKey()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot load TLS certificate/key: " + e.getMessage(), e);
            }
            ssl.setKeyStorePassword(new String(PemKeyStores.PASSWORD));
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false);
            http.addCustomizer(src);
            connector = new ServerConnector(jetty, ssl, h1);
        } else {
            connector = new ServerConnector(jetty, h1);
        }
        // A connection that sends nothing (no request, or a request body that stalls) is closed after this long.
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        if (config.maxConnectionsPerAddress() > 0) {
            connector.addEventListener(new PerAddressConnectionLimit(config.maxConnectionsPerAddress(), clientAddresses::isTrustedProxy));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        AccessController delegating = new AccessController() {
            @Override
            public io.gatehouse.registry.auth.Decision authorize(String authorization, String remoteAddress,
                                                                 io.gatehouse.registry.auth.Scope required) {
                return accessController.authorize(authorization, remoteAddress, required);
            }

            @Override
            public boolean mayRead(Principal principal, String repository) {
                return accessController.mayRead(principal, repository);
            }
        };
        V2Handler v2 = new V2Handler(content, delegating, metrics, config.deleteEnabled());
        RootHandler root = new RootHandler(v2, mounted, metrics, this::ready, fallback);
        GracefulHandler graceful = new GracefulHandler();
        if (config.minRequestDataRate() > 0) {
            // Fails a body read once the body's average rate since its first read is below the minimum: a client
            // dribbling a body byte by byte (which the idle timeout never ends) then frees its thread within seconds.
            graceful.setHandler(new MinimumDataRateHandler(root, config.minRequestDataRate(), 0));
        } else {
            graceful.setHandler(root);
        }
        jetty.setHandler(graceful);
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(config.shutdownTimeout().toMillis());
    }

    /** Starts listening (and the GC schedule, when configured). */
    public RegistryServer start() {
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start the registry on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        started = true;
        boundPort = connector.getLocalPort();
        if (!config.gcInterval().isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-gc");
                t.setDaemon(true);
                return t;
            });
            long every = config.gcInterval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    gc.runIfIdle(); // with replicas: the one that takes the cluster's GC lock collects, the others skip
                } catch (RuntimeException e) {
                    if (io.gatehouse.registry.cluster.Faults.unavailable(e)) {
                        LOG.warn("scheduled GC skipped, the database or storage is unavailable: {}", io.gatehouse.registry.cluster.Faults.describe(e));
                    } else {
                        LOG.warn("scheduled GC failed: {}", e.toString(), e);
                    }
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("Gatehouse registry listening on {} (data in {}, database {})", baseUrl(),
                config.dataDir().toAbsolutePath().normalize(), config.databaseDescription());
        return this;
    }

    /** The bound port (the real one when the configuration asked for port 0). */
    public int port() {
        return boundPort > 0 ? boundPort : config.port();
    }

    /** The URL clients use, without a trailing slash: the configured public URL, else derived from host and port. */
    public String baseUrl() {
        if (config.publicUrl() != null) return config.publicUrl();
        String host = config.host();
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        if (host.contains(":")) host = "[" + host + "]";
        return (config.tlsEnabled() ? "https" : "http") + "://" + host + ":" + port();
    }

    /** The host:port clients put in image references (for example {@code 127.0.0.1:40123/team/app:1.0}). */
    public String registryHost() {
        String url = baseUrl();
        return url.substring(url.indexOf("://") + 3);
    }

    public RegistryConfig config() {
        return config;
    }

    public ContentService content() {
        return content;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public Database database() {
        return database;
    }

    /** How this process coordinates with the other replicas of its database (a single node on SQLite). */
    public Cluster cluster() {
        return cluster;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public Metrics metrics() {
        return metrics;
    }

    public Clock clock() {
        return clock;
    }

    public AccessController accessController() {
        return accessController;
    }

    /** Adds an event listener after construction (for capabilities wired later). */
    public void addListener(RegistryEvents listener) {
        events.add(listener);
    }

    /**
     * Something a capability started with this server (a scheduled task's thread) and stops with it: closed by
     * {@link #close()} before the database, in the reverse order of registration.
     */
    public void closeWith(AutoCloseable resource) {
        closeWith.add(0, resource);
    }

    /** Runs garbage collection now (waits if a scheduled run is in progress). */
    public GarbageCollector.Report gc() {
        return gc.run();
    }

    /**
     * Ready: started, the database answers, the blob storage is reachable. A load balancer checking /readyz takes a
     * replica that lost either out of rotation, and puts it back when they answer again.
     */
    private boolean ready() {
        if (!started || closed) return false;
        try {
            return database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1
                    && Files.isWritable(config.dataDir()) && content.blobStore().available();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Graceful stop: refuses new connections, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (scheduler != null) {
            // Let a running GC finish its current step rather than pull the database from under it.
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) scheduler.shutdownNow();
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("error while stopping HTTP: {}", e.toString());
        }
        for (AutoCloseable c : closeWith) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        content.blobStore().close();
        cluster.close();
        database.close();
        if (started) LOG.info("Gatehouse registry on port {} stopped", port());
    }

    /**
     * Fans events out to every listener. After a commit one failing listener does not stop the others; inside a
     * transaction ({@code failFast}, the journal) the first failure propagates, so that the change is rolled back.
     */
    private static final class CompositeEvents implements RegistryEvents {
        private final List<RegistryEvents> listeners = new CopyOnWriteArrayList<>();
        private final boolean failFast;

        CompositeEvents(boolean failFast) {
            this.failFast = failFast;
        }

        void add(RegistryEvents l) {
            listeners.add(l);
        }

        private void each(Consumer<RegistryEvents> call) {
            for (RegistryEvents l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    if (failFast) throw e;
                    LOG.warn("registry event listener {} failed: {}", l.getClass().getName(), e.toString(), e);
                }
            }
        }

        @Override
        public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject,
                                   String artifactType, Principal principal) {
            each(l -> l.manifestPushed(repository, digest, mediaType, tag, subject, artifactType, principal));
        }

        @Override
        public void manifestDeleted(String repository, Digest digest, Principal principal) {
            each(l -> l.manifestDeleted(repository, digest, principal));
        }

        @Override
        public void tagDeleted(String repository, String tag, Principal principal) {
            each(l -> l.tagDeleted(repository, tag, principal));
        }

        @Override
        public void blobDeleted(String repository, Digest digest, Principal principal) {
            each(l -> l.blobDeleted(repository, digest, principal));
        }
    }

    /** Lets the gate be created after the content service (gates read content through it). */
    private static final class GateHolder implements ContentGate {
        volatile ContentGate target = ContentGate.ALLOW_ALL;

        @Override
        public Optional<OciError> beforeManifestPush(Principal principal, String repository, String reference, byte[] manifest,
                                                     String mediaType) {
            return target.beforeManifestPush(principal, repository, reference, manifest, mediaType);
        }

        @Override
        public Optional<OciError> beforeManifestPull(Principal principal, String repository, Digest digest) {
            return target.beforeManifestPull(principal, repository, digest);
        }
    }
}
