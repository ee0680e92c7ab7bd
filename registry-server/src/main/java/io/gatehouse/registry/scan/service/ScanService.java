package io.gatehouse.registry.scan.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.content.BlobInfo;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.RegistryEvents;
import io.gatehouse.registry.content.StoredManifest;
import io.gatehouse.registry.scan.ScanEngine;
import io.gatehouse.registry.scan.export.CycloneDxExporter;
import io.gatehouse.registry.scan.export.TrivyJsonExporter;
import io.gatehouse.registry.scan.inventory.ScanFailedException;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.vulndb.AdvisoryImporter;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scanning inside the registry: scan on push (per repository), on demand, and again when the vulnerability database
 * changes; a bounded pool of workers; status per image in the database; the report and the SBOM stored as OCI
 * artifacts whose {@code subject} is the image (so the referrers API finds them, and they travel with the image when
 * it is copied with its referrers), and indexed for queries.
 *
 * <p>A scan of an image already scanned against the current database build answers from the stored report and
 * does no work. Register as a listener: {@code server.addListener(scanService)}.
 */
public final class ScanService implements RegistryEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanService.class);
    public static final String REPORT_ARTIFACT_TYPE = ScanReport.MEDIA_TYPE;
    public static final String SBOM_ARTIFACT_TYPE = CycloneDxExporter.MEDIA_TYPE;
    /** Who stores reports: the registry itself. */
    public static final Principal SCANNER = new Principal("gatehouse-scanner", Principal.Kind.SERVICE_ACCOUNT, true);
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);
    private static final byte[] EMPTY_CONFIG = "{}".getBytes();

    private final ContentService content;
    private final ScanIndex index;
    private final ScanEngine engine;
    private final Clock clock;
    private final boolean scanOnPushDefault;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private volatile String lastRescanVersion;
    private final boolean shared;
    private final String node;
    private final Duration lease;
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    private final java.util.Set<ScanIndex.Claim> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean claimFailing;

    public ScanService(ContentService content, ScanIndex index, ScanEngine engine, Clock clock, int workerCount,
                       boolean scanOnPushDefault, Duration rescanCheckInterval) {
        this(content, index, engine, clock, workerCount, scanOnPushDefault, rescanCheckInterval, null, DEFAULT_LEASE);
    }

    /**
     * @param node  this replica's id among several sharing the database (they all take jobs from it, each under a
     *              lease it renews while scanning), or null for a single node
     * @param lease how long a claim on a job lasts without renewal: a replica killed in the middle of a scan leaves
     *              its job to another one after this long
     */
    public ScanService(ContentService content, ScanIndex index, ScanEngine engine, Clock clock, int workerCount,
                       boolean scanOnPushDefault, Duration rescanCheckInterval, String node, Duration lease) {
        this.content = content;
        this.index = index;
        this.engine = engine;
        this.clock = clock;
        this.scanOnPushDefault = scanOnPushDefault;
        this.shared = node != null;
        this.node = node != null ? node : "local";
        this.lease = lease;
        int n = Math.max(1, workerCount);
        this.workers = Executors.newFixedThreadPool(n, daemon("gatehouse-scan"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("gatehouse-rescan"));
        // null: the first check also catches a database changed while the registry was down
        this.lastRescanVersion = null;
        if (!shared) index.releaseClaims(); // what a previous process of this single node left running runs again now
        for (int i = 0; i < n; i++) workers.execute(this::work);
        long renewEvery = Math.max(100, lease.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        if (rescanCheckInterval != null && !rescanCheckInterval.isZero()) {
            long ms = rescanCheckInterval.toMillis();
            scheduler.scheduleWithFixedDelay(this::rescanIfDatabaseChanged, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** The default {@code scan.lease}. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

    /**
     * One worker: claims the oldest job (of this replica or any other), scans it, and again; with nothing to do it
     * waits to be woken by a scan requested here, or (replicas) looks again after {@link #POLL} for jobs queued by
     * the others. An Error that ends the worker (out of memory) starts a new one in its place.
     */
    private void work() {
        boolean ended = false;
        try {
            while (!closed) {
                Optional<ScanIndex.Claim> job;
                try {
                    long now = clock.millis();
                    job = index.claimNext(node, now, now + lease.toMillis());
                    claimFailing = false;
                } catch (RuntimeException e) {
                    // the database is away: say so once, and look again after a pause
                    if (!claimFailing) LOG.warn("could not claim a scan job: {}", io.gatehouse.registry.cluster.Faults.describe(e));
                    claimFailing = true;
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                if (job.isPresent()) {
                    ScanIndex.Claim c = job.get();
                    running.add(c);
                    try {
                        run(c.repository(), c.digest());
                    } catch (RuntimeException e) {
                        // the outcome could not be recorded (the database went away): the lease runs out and the job
                        // is claimed again, here or on another replica
                        LOG.warn("the scan of {}@{} could not be recorded: {}", c.repository(), c.digest(),
                                io.gatehouse.registry.cluster.Faults.describe(e));
                    } finally {
                        running.remove(c);
                    }
                } else if (!wake.tryAcquire(shared ? POLL.toMillis() : IDLE.toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
            }
            ended = true;
        } catch (InterruptedException e) {
            ended = true; // closing
        } finally {
            if (!ended && !closed) {
                try {
                    workers.execute(this::work);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // shutting down
                }
            }
        }
    }

    /** How often an idle worker of a replica looks for jobs queued by the others. */
    static final Duration POLL = Duration.ofSeconds(1);
    /** A single node's idle workers are woken by every request; this is only a safety net. */
    private static final Duration IDLE = Duration.ofSeconds(60);

    private void wake() {
        wake.release();
    }

    private void renewLeases() {
        long until = clock.millis() + lease.toMillis();
        for (ScanIndex.Claim c : running) {
            try {
                if (!index.renew(node, c.repository(), c.digest(), until)) {
                    LOG.warn("lost the claim on the scan of {}@{} (another replica took it over)", c.repository(), c.digest());
                }
            } catch (RuntimeException e) {
                LOG.warn("could not renew the claim on the scan of {}@{}: {}", c.repository(), c.digest(),
                        io.gatehouse.registry.cluster.Faults.describe(e));
            }
        }
    }

    /**
     * The scanner wired to a running registry, with its settings: {@code scan.vulndb} (the vulnerability database
     * file, default {@code <data dir>/vulndb.sqlite}), {@code scan.workers} (default 1: scans are CPU-bound),
     * {@code scan.on_push} (default true), {@code scan.rescan_interval} (how often to look for a new database
     * build, default 5s: the check is one SQLite pragma, and an import by the CLI should relabel and rescan within
     * seconds).
     */
    public static ScanService create(RegistryServer server) throws IOException {
        var config = server.config();
        Path dbFile = vulnDbFile(config);
        int workers = config.intSetting("scan.workers", 1, 64);
        boolean onPush = config.booleanSetting("scan.on_push");
        Duration interval = config.durationSetting("scan.rescan_interval");
        Duration lease = config.durationSetting("scan.lease");
        // Opened on first use (a scan, the first rescan check a few seconds after start, GET /vulndb), not here:
        // opening it (and checking its schema) is work the registry's first answers do not need.
        ScanEngine engine = new ScanEngine(new OpenOnce(dbFile), ScanLimits.defaults(), server.clock());
        var cluster = server.cluster();
        return new ScanService(server.content(), new ScanIndex(server.jdbi(), cluster.shared()), engine, server.clock(), workers,
                onPush, interval, cluster.shared() ? cluster.node() : null, lease);
    }

    /**
     * The vulnerability database file of these settings: {@code scan.vulndb}, else {@code <data dir>/vulndb.sqlite}.
     * The CLI ({@code vulndb}, {@code scan}) resolves it here too, so it reads and fills the registry's file.
     */
    public static Path vulnDbFile(RegistryConfig config) {
        String file = config.setting("scan.vulndb");
        return file.isBlank() ? config.dataDir().resolve("vulndb.sqlite") : Path.of(file);
    }

    /** The vulnerability database, opened by the first caller; a failed open is retried by the next one. */
    private static final class OpenOnce implements java.util.function.Supplier<VulnDb> {
        private final Path file;
        private volatile VulnDb db;

        OpenOnce(Path file) {
            this.file = file;
        }

        @Override
        public VulnDb get() {
            VulnDb d = db;
            if (d != null) return d;
            synchronized (this) {
                if (db == null) {
                    try {
                        db = VulnDb.open(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot open the vulnerability database " + file + ": " + e.getMessage(), e);
                    }
                }
                return db;
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            // Tasks run with execute(), not submit(): what escapes one ends here, logged, rather than in a Future
            // nobody reads.
            t.setUncaughtExceptionHandler((thread, e) -> LOG.error("{} stopped by an unexpected error", thread.getName(), e));
            return t;
        };
    }

    public VulnDb database() {
        return engine.database();
    }

    public ScanIndex index() {
        return index;
    }

    // ---- requests ---------------------------------------------------------------------------------------------

    /**
     * Asks for a scan. Answers at once: DONE from the stored report when the image was already scanned with the
     * current database build (unless {@code force}), else QUEUED (or the state of a scan already under way).
     */
    public ScanStatus scan(String repository, Digest manifest, boolean force, Principal who) {
        String digest = manifest.toString();
        rescanIfDatabaseChanged(); // an import by another process is noticed here too, not only on the timer
        if (!force) {
            Optional<ScanIndex.IndexedReport> stored = index.report(repository, digest);
            if (stored.isPresent() && stored.get().databaseVersion().equals(engine.database().version())
                    && content.getManifest(repository, Digest.parse(stored.get().reportManifest())).isPresent()) {
                Optional<ScanStatus> s = index.status(repository, digest);
                if (s.isPresent() && s.get().state() == ScanStatus.State.DONE) {
                    return s.get();
                }
            }
        }
        if (index.queue(repository, digest, who == null ? null : who.name(), clock.millis())) {
            wake();
        }
        return index.status(repository, digest).orElseThrow();
    }

    public Optional<ScanStatus> status(String repository, Digest manifest) {
        return index.status(repository, manifest.toString());
    }

    /** The stored report of an image, read back from its artifact. */
    public Optional<ScanReport> report(String repository, Digest manifest) {
        return artifactPayload(repository, manifest, true).map(bytes -> {
            try {
                return JSON.readValue(bytes, ScanReport.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The stored SBOM of an image, CycloneDX 1.5 JSON. */
    public Optional<byte[]> sbom(String repository, Digest manifest) {
        return artifactPayload(repository, manifest, false);
    }

    /** The stored report in Trivy's JSON shape. */
    public Optional<byte[]> trivyReport(String repository, Digest manifest) {
        return report(repository, manifest).map(r -> TrivyJsonExporter.toBytes(r, repository + "@" + manifest,
                trivyImage(repository, manifest)));
    }

    /** Largest image config read for the Trivy export's Metadata.ImageConfig (real ones are a few KB). */
    private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

    /** The image's config and layers, for Trivy's ImageID/DiffIDs/ImageConfig; null when they cannot be read. */
    private TrivyJsonExporter.Image trivyImage(String repository, Digest manifest) {
        try {
            Optional<StoredManifest> m = content.getManifest(repository, manifest);
            if (m.isEmpty()) {
                return null;
            }
            JsonNode json = JSON.readTree(m.get().bytes());
            List<String> layers = new ArrayList<>();
            json.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
            String configDigest = json.path("config").path("digest").asText(null);
            if (configDigest == null) {
                return null;
            }
            JsonNode config = null;
            try (InputStream in = content.openBlob(repository, Digest.parse(configDigest))) {
                byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
                if (bytes.length <= MAX_CONFIG_BYTES) {
                    config = JSON.readTree(bytes);
                }
            }
            return new TrivyJsonExporter.Image(configDigest, layers, config != null && config.isObject() ? config : null);
        } catch (IOException | RuntimeException e) {
            // the report is still worth answering without the config's metadata
            LOG.debug("no image config for the Trivy export of {}@{}: {}", repository, manifest, e.getMessage());
            return null;
        }
    }

    private Optional<byte[]> artifactPayload(String repository, Digest manifest, boolean report) {
        Optional<ScanIndex.IndexedReport> row = index.report(repository, manifest.toString());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String artifact = report ? row.get().reportManifest() : row.get().sbomManifest();
        Optional<StoredManifest> m = content.getManifest(repository, Digest.parse(artifact));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode layer = JSON.readTree(m.get().bytes()).path("layers").get(0);
            try (InputStream in = content.openBlob(repository, Digest.parse(layer.path("digest").asText()))) {
                return Optional.of(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void setScanOnPush(String repository, boolean enabled) {
        index.setScanOnPush(repository, enabled);
    }

    public boolean scanOnPush(String repository) {
        return index.scanOnPush(repository).orElse(scanOnPushDefault);
    }

    /** Imports vulnerability data, then queues a rescan of every image whose report used an older build. */
    public VulnDb.ImportResult importVulnData(AdvisoryImporter importer, Path path) throws IOException {
        VulnDb.ImportResult r = engine.database().importFrom(importer, path);
        rescanOutdated();
        return r;
    }

    /**
     * Queues every image whose stored report was made with another database build, and every image whose scan was
     * refused for want of data once there is data; returns how many.
     */
    public int rescanOutdated() {
        String current = engine.database().version();
        lastRescanVersion = current;
        List<String[]> images = new ArrayList<>(index.reportsOlderThan(current));
        if (engine.database().hasData()) {
            images.addAll(index.failedWith(ScanEngine.NO_DATA));
        }
        int n = 0;
        for (String[] img : images) {
            if (index.queue(img[0], img[1], SCANNER.name(), clock.millis())) {
                wake();
                n++;
            }
        }
        if (n > 0) {
            LOG.info("vulnerability database is now {}: {} images queued for a rescan", current, n);
        }
        return n;
    }

    private void rescanIfDatabaseChanged() {
        try {
            if (!engine.database().version().equals(lastRescanVersion)) {
                rescanOutdated();
            }
        } catch (RuntimeException e) {
            LOG.warn("rescan check failed: {}", e.getMessage());
        } catch (Error e) {
            // A scheduled task that throws is cancelled, and its Future (which nobody reads) keeps the error: say so
            // where an operator looks, instead of letting automatic rescans stop without a word.
            LOG.error("rescan check failed with {}; automatic rescans stop until the registry restarts", e, e);
            throw e;
        }
    }

    // ---- events -----------------------------------------------------------------------------------------------

    @Override
    public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject,
                               String artifactType, Principal principal) {
        if (subject != null || REPORT_ARTIFACT_TYPE.equals(artifactType) || SBOM_ARTIFACT_TYPE.equals(artifactType)) {
            return; // signatures, reports, SBOMs: artifacts about an image, not images
        }
        if (!(MediaTypes.isImageManifest(mediaType) || MediaTypes.isIndex(mediaType)) || !scanOnPush(repository)) {
            return;
        }
        scan(repository, digest, false, principal);
    }

    @Override
    public void manifestDeleted(String repository, Digest digest, Principal principal) {
        index.forget(repository, digest.toString());
    }

    // ---- the work ---------------------------------------------------------------------------------------------

    /** Scans one image whose job this worker claimed (RUNNING, claimed by this node). */
    void run(String repository, String digest) {
        try {
            Optional<StoredManifest> m = content.getManifest(repository, Digest.parse(digest));
            if (m.isEmpty()) {
                index.finished(node, repository, digest, ScanStatus.State.FAILED, "the manifest no longer exists",
                        clock.millis());
                return;
            }
            JsonNode manifest = JSON.readTree(m.get().bytes());
            if (MediaTypes.isIndex(m.get().mediaType())) {
                int n = 0;
                for (JsonNode child : manifest.path("manifests")) {
                    String type = child.path("annotations").path("vnd.docker.reference.type").asText("");
                    if (MediaTypes.isImageManifest(child.path("mediaType").asText()) && !type.equals("attestation-manifest")) {
                        scan(repository, Digest.parse(child.path("digest").asText()), false, SCANNER);
                        n++;
                    }
                }
                index.finished(node, repository, digest, ScanStatus.State.DONE, n + " platform images scanned separately",
                        clock.millis());
                return;
            }
            List<ScanEngine.Layer> layers = new ArrayList<>();
            for (JsonNode l : manifest.path("layers")) {
                Digest ld = Digest.parse(l.path("digest").asText());
                if (l.path("mediaType").asText("").contains("foreign")) {
                    continue; // Windows base layers: not in the registry by design
                }
                layers.add(new ScanEngine.Layer(ld.toString(), () -> content.openBlob(repository, ld)));
            }
            holdForTests();
            ScanEngine.Result result = engine.scan(digest, repository, layers);
            store(repository, m.get(), result);
            index.finished(node, repository, digest, ScanStatus.State.DONE, null, clock.millis());
            LOG.info("scanned {}@{}: {} packages, {} findings ({} critical), database {}", repository, digest,
                    result.sbom().packages().size(), result.report().summary().total(),
                    result.report().summary().count(Severity.CRITICAL), result.report().databaseVersion());
        } catch (ScanFailedException e) {
            LOG.info("scan of {}@{} failed: {}", repository, digest, e.getMessage());
            index.finished(node, repository, digest, ScanStatus.State.FAILED, e.getMessage(), clock.millis());
        } catch (Exception e) {
            LOG.warn("scan of {}@{} failed", repository, digest, e);
            index.finished(node, repository, digest, ScanStatus.State.FAILED, "internal error: " + e, clock.millis());
        } catch (Error e) {
            // Out of memory, a stack overflow, a broken class path: not a verdict on this image, and no state to carry
            // on in as if nothing happened. Record the scan as failed if that still works, then let the error end this
            // worker (the pool starts a new one; the thread's handler logs it) instead of swallowing it.
            try {
                index.finished(node, repository, digest, ScanStatus.State.FAILED, "internal error: " + e, clock.millis());
            } catch (Throwable recording) {
                e.addSuppressed(recording);
            }
            throw e;
        }
    }

    /**
     * Tests only (the system property {@code gatehouse.test.scan_hold}, a folder; never set in production): a worker
     * about to scan writes {@code <folder>/scanning} (this replica's id) and waits while {@code <folder>/hold} exists,
     * holding its claim, so a test can kill the replica in the middle of a scan without racing a scan that takes
     * milliseconds.
     */
    private void holdForTests() throws IOException, InterruptedException {
        String folder = System.getProperty("gatehouse.test.scan_hold");
        if (folder == null || folder.isBlank()) return;
        Path dir = Path.of(folder);
        java.nio.file.Files.writeString(dir.resolve("scanning"), node);
        while (java.nio.file.Files.exists(dir.resolve("hold"))) Thread.sleep(50);
    }

    private void store(String repository, StoredManifest image, ScanEngine.Result result) throws IOException {
        ScanReport report = result.report();
        String reportManifest = pushArtifact(repository, image, REPORT_ARTIFACT_TYPE,
                JSON.writeValueAsBytes(report), report);
        String sbomManifest = pushArtifact(repository, image, SBOM_ARTIFACT_TYPE,
                CycloneDxExporter.toBytes(result.sbom(), repository), report);
        Optional<ScanIndex.IndexedReport> previous = index.report(repository, image.digest().toString());
        index.storeReport(repository, image.digest().toString(), reportManifest, sbomManifest, report);
        if (previous.isPresent()) {
            // the older report and SBOM are superseded: drop them so referrers list one current report
            for (String old : List.of(previous.get().reportManifest(), previous.get().sbomManifest())) {
                if (!old.equals(reportManifest) && !old.equals(sbomManifest)) {
                    try {
                        content.deleteManifest(repository, Digest.parse(old), SCANNER);
                    } catch (RuntimeException gone) {
                        // already deleted by someone else: nothing to do
                    }
                }
            }
        }
    }

    /** An OCI artifact manifest (image-spec 1.1: artifactType, empty config, one layer, subject = the image). */
    private String pushArtifact(String repository, StoredManifest image, String artifactType, byte[] payload,
                                ScanReport report) throws IOException {
        BlobInfo config = content.writeBlob(repository, EMPTY_CONFIG);
        BlobInfo blob = content.writeBlob(repository, payload);
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", artifactType);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", MediaTypes.OCI_EMPTY);
        c.put("digest", config.digest().toString());
        c.put("size", config.size());
        ObjectNode layer = m.putArray("layers").addObject();
        layer.put("mediaType", artifactType);
        layer.put("digest", blob.digest().toString());
        layer.put("size", blob.size());
        ObjectNode subject = m.putObject("subject");
        subject.put("mediaType", image.mediaType());
        subject.put("digest", image.digest().toString());
        subject.put("size", image.size());
        ObjectNode ann = m.putObject("annotations");
        ann.put("org.opencontainers.image.created", report.finishedAt());
        ann.put("io.gatehouse.scan.database-version", report.databaseVersion());
        ann.put("io.gatehouse.scan.scanner-version", report.scannerVersion());
        for (Severity s : Severity.values()) {
            ann.put("io.gatehouse.scan." + s.name().toLowerCase(java.util.Locale.ROOT),
                    String.valueOf(report.summary().count(s)));
        }
        byte[] bytes = JSON.writeValueAsBytes(m);
        Digest d = Digest.sha256(bytes);
        content.putManifest(repository, d.toString(), List.of(), bytes, MediaTypes.OCI_MANIFEST, SCANNER, false);
        return d.toString();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
