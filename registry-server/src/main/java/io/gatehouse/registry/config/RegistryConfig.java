package io.gatehouse.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.gatehouse.registry.metadata.Dialect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry's configuration: built-in defaults, overridden by a YAML file, overridden by environment variables.
 * Every setting has a dotted YAML key (for example {@code server.port}) and an environment variable
 * ({@code GATEHOUSE_PORT}); {@link #SETTINGS} is the one table of all of them, every capability's included, that
 * {@code serve --help} renders, the loader reads the YAML file and the environment by, and docs/registry.md must match
 * ({@code SettingsCatalogueTest}). A key missing from it cannot be read ({@link #setting(String)} throws) and is
 * reported with the closest known key when it appears in a file or the environment, so help, files, variables and
 * docs cannot drift apart.
 * <p>
 * Other capabilities read their settings with {@link #setting(String)} and its typed variants.
 */
public record RegistryConfig(
        String host,
        int port,
        String publicUrl,
        Path dataDir,
        Path database,
        int databasePoolSize,
        boolean fsync,
        Path tlsCertificate,
        Path tlsKey,
        Duration uploadExpiry,
        int maxManifestBytes,
        boolean deleteEnabled,
        Duration gcInterval,
        Duration gcGracePeriod,
        boolean gcDeleteUntagged,
        Duration shutdownTimeout,
        List<String> trustedProxies,
        Duration idleTimeout,
        long minRequestDataRate,
        int maxConnectionsPerAddress,
        Map<String, String> values,
        Map<String, String> environment) {

    /**
     * One documented setting.
     *
     * @param defaultValue the value used when nothing sets it ("" for "computed from other settings" or "none")
     * @param shownDefault what help and docs show as the default (the value itself, or a phrase for computed ones)
     */
    public record Setting(String key, String env, String defaultValue, String shownDefault, String description) {
        public Setting(String key, String env, String defaultValue, String description) {
            this(key, env, defaultValue, defaultValue.isEmpty() ? "–" : defaultValue, description);
        }

        /** The first part of the key: server, storage, auth, scan… (help groups by it). */
        public String section() {
            return key.substring(0, key.indexOf('.'));
        }
    }

    public static final List<Setting> SETTINGS = List.of(
            new Setting("server.host", "GATEHOUSE_HOST", "0.0.0.0", "address to listen on"),
            new Setting("server.port", "GATEHOUSE_PORT", "5000", "TCP port (0 picks a free one)"),
            new Setting("server.public_url", "GATEHOUSE_PUBLIC_URL", "", "derived", "URL clients use to reach the registry (default: derived from host and port)"),
            new Setting("server.tls.certificate", "GATEHOUSE_TLS_CERT", "", "PEM certificate chain; with server.tls.key turns on HTTPS"),
            new Setting("server.tls.key", "GATEHOUSE_TLS_KEY", "", "PEM private key (PKCS#8, PKCS#1 or SEC1)"),
            new Setting("server.shutdown_timeout", "GATEHOUSE_SHUTDOWN_TIMEOUT", "30s", "how long in-flight requests may finish on shutdown"),
            new Setting("server.trusted_proxies", "GATEHOUSE_TRUSTED_PROXIES", "", "none",
                    "IP addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/Forwarded is believed (comma-separated or a YAML list; default none)"),
            new Setting("server.idle_timeout", "GATEHOUSE_IDLE_TIMEOUT", "30s", "a connection that sends or accepts nothing for this long is closed"),
            new Setting("server.min_request_data_rate", "GATEHOUSE_MIN_REQUEST_DATA_RATE", "1024",
                    "a request body arriving slower than this many bytes per second on average is cut off (0 = no minimum)"),
            new Setting("server.max_connections_per_address", "GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS", "512",
                    "open connections one client address may hold; more are closed at once (0 = no limit; trusted proxies are exempt)"),
            new Setting("storage.data_dir", "GATEHOUSE_DATA_DIR", "./data", "blobs, uploads and (by default) the database live here"),
            new Setting("storage.database", "GATEHOUSE_DATABASE", "", "<data_dir>/gatehouse.db",
                    "metadata database: a SQLite file, or a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/gatehouse) that replicas share (default: <data_dir>/gatehouse.db)"),
            new Setting("storage.database_user", "GATEHOUSE_DATABASE_USER", "", "PostgreSQL user (default: the URL's user= or the driver's)"),
            new Setting("storage.database_password", "GATEHOUSE_DATABASE_PASSWORD", "",
                    "PostgreSQL password; prefer the variable or storage.database_password_file to the YAML file, never in the URL. Never logged"),
            new Setting("storage.database_password_file", "GATEHOUSE_DATABASE_PASSWORD_FILE", "",
                    "file whose first line is the PostgreSQL password (a mounted secret, a systemd credential)"),
            new Setting("storage.database_pool_size", "GATEHOUSE_DATABASE_POOL_SIZE", "4", "database connections (per replica)"),
            new Setting("storage.fsync", "GATEHOUSE_STORAGE_FSYNC", "true", "fsync each blob before it becomes visible (false: survives a registry crash, not a power failure)"),
            // blob storage in S3 (read by storage/S3Settings; docs/registry.md "S3 blob storage")
            new Setting("storage.driver", "GATEHOUSE_STORAGE_DRIVER", "filesystem", "where blobs live: filesystem (under data_dir) or s3 (storage.s3.*)"),
            new Setting("storage.s3.bucket", "GATEHOUSE_S3_BUCKET", "", "the bucket (required with storage.driver: s3)"),
            new Setting("storage.s3.region", "GATEHOUSE_S3_REGION", "us-east-1", "the bucket's region"),
            new Setting("storage.s3.endpoint", "GATEHOUSE_S3_ENDPOINT", "", "AWS", "URL of an S3-compatible service (MinIO, Ceph, S3Proxy…; default: AWS S3 of the region)"),
            new Setting("storage.s3.path_style", "GATEHOUSE_S3_PATH_STYLE", "false", "address the bucket as <endpoint>/<bucket> rather than <bucket>.<endpoint> (most S3-compatible services want true)"),
            new Setting("storage.s3.prefix", "GATEHOUSE_S3_PREFIX", "", "none", "key prefix for everything the registry stores in the bucket (several registries can share one)"),
            new Setting("storage.s3.access_key", "GATEHOUSE_S3_ACCESS_KEY", "", "default chain",
                    "access key id; unset: the AWS default credential chain (AWS_* variables, profile, container or instance role)"),
            new Setting("storage.s3.secret_key", "GATEHOUSE_S3_SECRET_KEY", "", "the secret of access_key; prefer the variable or secret_key_file to the YAML file. Never logged"),
            new Setting("storage.s3.secret_key_file", "GATEHOUSE_S3_SECRET_KEY_FILE", "", "a file holding the secret of access_key (instead of secret_key)"),
            new Setting("storage.s3.redirect", "GATEHOUSE_S3_REDIRECT", "false", "answer blob GETs with 307 to a presigned S3 URL instead of streaming the bytes through the registry"),
            new Setting("storage.s3.redirect_expiry", "GATEHOUSE_S3_REDIRECT_EXPIRY", "20m", "how long a presigned redirect URL stays valid (at most 7d)"),
            new Setting("storage.s3.part_size", "GATEHOUSE_S3_PART_SIZE", "16777216",
                    "bytes per multipart part (at least 5 MiB, S3's minimum); an upload holds at most one part on local disk under data_dir"),
            new Setting("uploads.expiry", "GATEHOUSE_UPLOAD_EXPIRY", "24h", "an upload session idle this long is discarded"),
            new Setting("manifests.max_bytes", "GATEHOUSE_MAX_MANIFEST_BYTES", "4194304", "larger manifests are refused with 413"),
            new Setting("deletes.enabled", "GATEHOUSE_DELETE_ENABLED", "true", "allow DELETE of manifests, tags and blobs"),
            new Setting("gc.interval", "GATEHOUSE_GC_INTERVAL", "24h", "run garbage collection this often (0 = never on a schedule)"),
            new Setting("gc.grace_period", "GATEHOUSE_GC_GRACE_PERIOD", "1h", "blobs written or looked at more recently than this are never collected"),
            new Setting("gc.delete_untagged", "GATEHOUSE_GC_DELETE_UNTAGGED", "false", "also delete untagged manifests (not referrers, not index children)"),
            new Setting("gc.keep_orphan_referrers", "GATEHOUSE_GC_KEEP_ORPHAN_REFERRERS", "false",
                    "keep referrers (signatures, scan reports, SBOMs) when their subject is deleted (default: deleted with it, and GC collects orphans)"),
            // auth (read by auth/AuthWiring)
            new Setting("auth.enabled", "GATEHOUSE_AUTH_ENABLED", "true", "access control; false leaves the registry open to everyone (benchmarks, throwaway registries)"),
            new Setting("auth.anonymous_pull", "GATEHOUSE_ANONYMOUS_PULL", "false", "anonymous callers may pull public repositories"),
            new Setting("auth.service", "GATEHOUSE_AUTH_SERVICE", "gatehouse", "the service of challenges and the tokens' audience (issuer: <service>-auth)"),
            new Setting("auth.token_ttl", "GATEHOUSE_TOKEN_TTL", "300", "bearer token lifetime in seconds (at least 60)"),
            new Setting("auth.admin_password", "GATEHOUSE_ADMIN_PASSWORD", "", "generated",
                    "password of the bootstrap admin 'admin', read on the very first start only (8 to 1024 characters; unset: a generated one is logged once). Prefer the variable to the file"),
            // scanning (read by scan/service/ScanService and the vulndb/scan commands)
            new Setting("scan.vulndb", "GATEHOUSE_SCAN_VULNDB", "", "<data_dir>/vulndb.sqlite", "the vulnerability database file (filled by gatehouse vulndb import)"),
            new Setting("scan.workers", "GATEHOUSE_SCAN_WORKERS", "1", "images scanned at the same time (scans are CPU-bound)"),
            new Setting("scan.on_push", "GATEHOUSE_SCAN_ON_PUSH", "true", "scan every pushed image (per-repository override in the API)"),
            new Setting("scan.rescan_interval", "GATEHOUSE_SCAN_RESCAN_INTERVAL", "5s",
                    "how often to look for a new vulnerability database build and rescan (0: only when a scan starts)"),
            new Setting("scan.lease", "GATEHOUSE_SCAN_LEASE", "60s",
                    "replicas: a running scan's claim lasts this long unless renewed (every third of it); a killed replica's scans are taken over after it"),
            // server-side mirroring (read by mirror/Mirrors)
            new Setting("mirror.lease", "GATEHOUSE_MIRROR_LEASE", "60s",
                    "a running server-side mirror run stays RUNNING this long unless renewed (every third of it); a killed replica's run is then marked INTERRUPTED"));

    /**
     * GATEHOUSE_* variables that are not settings (no YAML key): known, so they draw no "unknown variable" warning.
     */
    public static final Map<String, String> OTHER_VARIABLES = orderedMap(
            "GATEHOUSE_CONFIG", "the YAML file when --config is not given",
            "GATEHOUSE_SRC_PASSWORD", "mirror/copy: password of --src-username",
            "GATEHOUSE_DEST_PASSWORD", "mirror/copy: password of --dest-username",
            "GATEHOUSE_SIGSTORE_BIN", "tests only: where sigstore-enabled skopeo/cosign live");

    private static final Map<String, Setting> BY_KEY = index(SETTINGS);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegistryConfig.class);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public RegistryConfig {
        trustedProxies = List.copyOf(trustedProxies);
        values = Map.copyOf(values);
        environment = Map.copyOf(environment);
    }

    /** Built-in defaults only (no file, no environment). */
    public static RegistryConfig defaults() {
        return fromValues(new LinkedHashMap<>(), Map.of());
    }

    /** For tests and embedding: loopback, a free port, everything under {@code dataDir}, no scheduled GC. */
    public static RegistryConfig forTesting(Path dataDir) {
        return defaults().with("server.host", "127.0.0.1").with("server.port", "0")
                .with("storage.data_dir", dataDir.toString()).with("gc.interval", "0")
                .with("server.shutdown_timeout", "5s");
    }

    /** Defaults, then the YAML file (when not null), then the GATEHOUSE_* variables of {@code env}. */
    public static RegistryConfig load(Path yamlFile, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        if (yamlFile != null) {
            try {
                JsonNode root = YAML.readTree(Files.readString(yamlFile));
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) throw new IllegalArgumentException(yamlFile + ": expected a YAML mapping at the top");
                    flatten("", root, values);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read configuration " + yamlFile + ": " + e.getMessage(), e);
            }
        }
        for (String warning : unknownNames(values.keySet(), env.keySet())) {
            LOG.warn("{}{}", yamlFile != null && warning.startsWith("unknown setting") ? yamlFile + ": " : "", warning);
        }
        for (Setting s : SETTINGS) {
            String v = env.get(s.env());
            if (v != null) values.put(s.key(), v);
        }
        return fromValues(values, env).validated();
    }

    /**
     * One warning per YAML key and GATEHOUSE_* variable that is not declared, naming the closest known one: a typo
     * ({@code server.prot}, {@code GATEHOUSE_ADMIN_PASWORD}) would otherwise be ignored in silence and the default used.
     */
    public static List<String> unknownNames(java.util.Collection<String> yamlKeys, java.util.Collection<String> envNames) {
        List<String> out = new java.util.ArrayList<>();
        for (String k : yamlKeys) {
            if (!BY_KEY.containsKey(k)) {
                out.add("unknown setting '" + k + "' ignored (did you mean '" + closest(k, SETTINGS.stream().map(Setting::key).toList()) + "'?)");
            }
        }
        List<String> variables = new java.util.ArrayList<>(SETTINGS.stream().map(Setting::env).toList());
        variables.addAll(OTHER_VARIABLES.keySet());
        for (String e : new java.util.TreeSet<>(envNames)) {
            if (e.startsWith("GATEHOUSE_") && !variables.contains(e)) {
                out.add("unknown environment variable " + e + " ignored (did you mean " + closest(e, variables) + "?)");
            }
        }
        return out;
    }

    /** The candidate with the fewest single-character edits from {@code name} (Levenshtein distance). */
    static String closest(String name, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    // a dozen lines rather than commons-text in the shaded jar that every CLI start loads
    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Map<String, Setting> index(List<Setting> settings) {
        Map<String, Setting> m = new LinkedHashMap<>();
        for (Setting s : settings) {
            if (m.put(s.key(), s) != null) throw new IllegalStateException("setting declared twice: " + s.key());
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * gc.keep_orphan_referrers: false (the default) deletes a manifest's referrers with it and lets GC collect
     * referrers whose subject is gone, as Zot and Distribution 3 do; true keeps them listed and served.
     */
    public boolean gcKeepOrphanReferrers() {
        return booleanSetting("gc.keep_orphan_referrers");
    }

    /** Checks settings that only make sense together; the server calls this before starting. */
    public RegistryConfig validated() {
        // a bad value stops the start, not the first delete, login or scan
        gcKeepOrphanReferrers();
        booleanSetting("auth.enabled");
        booleanSetting("auth.anonymous_pull");
        intSetting("auth.token_ttl", 60, Integer.MAX_VALUE);
        intSetting("scan.workers", 1, 64);
        booleanSetting("scan.on_push");
        durationSetting("scan.rescan_interval");
        if (durationSetting("scan.lease").toMillis() < 1000) throw new IllegalArgumentException("scan.lease: at least 1s");
        if (durationSetting("mirror.lease").toMillis() < 1000) throw new IllegalArgumentException("mirror.lease: at least 1s");
        if (databaseDialect() == Dialect.POSTGRESQL) {
            if (databaseUrl().toLowerCase(Locale.ROOT).matches(".*[?&]password=.*")) {
                throw new IllegalArgumentException("storage.database: put the password in GATEHOUSE_DATABASE_PASSWORD or "
                        + "storage.database_password_file, not in the URL");
            }
            databasePassword();
        } else if (!blank(setting("storage.database_password")) || !blank(setting("storage.database_password_file"))) {
            throw new IllegalArgumentException("storage.database_password(_file) is for a PostgreSQL storage.database (jdbc:postgresql://…)");
        }
        String driver = setting("storage.driver").strip();
        if (!driver.equals("filesystem") && !driver.equals("s3")) {
            throw new IllegalArgumentException("storage.driver: expected filesystem or s3, got '" + driver + "'");
        }
        if (driver.equals("s3")) io.gatehouse.registry.storage.S3Settings.from(this);
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("server.tls.certificate and server.tls.key must be given together");
        }
        return this;
    }

    /** A copy with one setting changed (by YAML key). */
    public RegistryConfig with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return fromValues(copy, environment);
    }

    public RegistryConfig withPort(int port) {
        return with("server.port", Integer.toString(port));
    }

    public RegistryConfig withDataDir(Path dir) {
        return with("storage.data_dir", dir.toString());
    }

    /**
     * A declared setting's value (from the file, the environment or {@link #with}; else its default), as text.
     *
     * @throws IllegalStateException {@code key} is not in {@link #SETTINGS}: a programming error, so that no
     *                               capability reads a key that help and docs do not know
     */
    public String setting(String key) {
        Setting s = BY_KEY.get(key);
        if (s == null) throw new IllegalStateException("undeclared setting '" + key + "': add it to RegistryConfig.SETTINGS and docs/registry.md");
        String v = values.get(key);
        return v != null ? v : s.defaultValue();
    }

    /** A declared boolean setting: true/yes/on/1 or false/no/off/0, anything else is refused (never "false"). */
    public boolean booleanSetting(String key) {
        return bool(Map.of(key, setting(key)), key);
    }

    public int intSetting(String key, int min, int max) {
        return intValue(Map.of(key, setting(key)), key, min, max);
    }

    /** A declared duration setting ({@link #parseDuration} forms), not negative. */
    public Duration durationSetting(String key) {
        return duration(Map.of(key, setting(key)), key);
    }

    /** SQLite unless storage.database is a {@code jdbc:postgresql:} URL. */
    public Dialect databaseDialect() {
        return database == null ? Dialect.POSTGRESQL : Dialect.SQLITE;
    }

    /** The JDBC URL of the metadata database. */
    public String databaseUrl() {
        return database == null ? setting("storage.database").strip() : "jdbc:sqlite:" + database.toAbsolutePath();
    }

    /** What the startup log says: the SQLite file, or the PostgreSQL URL without its parameters. */
    public String databaseDescription() {
        return database == null ? Dialect.redacted(databaseUrl()) : database.toAbsolutePath().normalize().toString();
    }

    /** storage.database_user, or null. */
    public String databaseUser() {
        String u = setting("storage.database_user");
        return blank(u) ? null : u.strip();
    }

    /**
     * The PostgreSQL password: storage.database_password (GATEHOUSE_DATABASE_PASSWORD), or the first line of
     * storage.database_password_file; null when neither is set. Messages name the setting, never the value.
     */
    public String databasePassword() {
        String inline = setting("storage.database_password");
        String file = setting("storage.database_password_file");
        if (!blank(inline) && !blank(file)) {
            throw new IllegalArgumentException("storage.database_password and storage.database_password_file are both set: keep one");
        }
        if (!blank(inline)) return inline;
        if (blank(file)) return null;
        try (java.io.BufferedReader r = Files.newBufferedReader(Path.of(file.strip()))) {
            String line = r.readLine();
            if (line == null || line.isEmpty()) throw new IllegalArgumentException("storage.database_password_file: " + file.strip() + " is empty");
            return line;
        } catch (IOException e) {
            throw new IllegalArgumentException("storage.database_password_file: cannot read " + file.strip() + " ("
                    + e.getClass().getSimpleName().replace("Exception", "") + ")");
        }
    }

    /** Without the values: they may hold passwords (storage.database_password, auth.admin_password). */
    @Override
    public String toString() {
        return "RegistryConfig[" + host + ":" + port + ", data " + dataDir + ", database " + databaseDescription() + "]";
    }

    public boolean tlsEnabled() {
        return tlsCertificate != null && tlsKey != null;
    }

    private static RegistryConfig fromValues(Map<String, String> values, Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting s : SETTINGS) v.put(s.key(), s.defaultValue());
        v.putAll(values);
        Path dataDir = Path.of(v.get("storage.data_dir"));
        String db = v.get("storage.database");
        String cert = v.get("server.tls.certificate");
        String key = v.get("server.tls.key");
        return new RegistryConfig(
                v.get("server.host"),
                intValue(v, "server.port", 0, 65535),
                blank(v.get("server.public_url")) ? null : stripSlash(v.get("server.public_url")),
                dataDir,
                blank(db) ? dataDir.resolve("gatehouse.db") : Dialect.of(db.strip()) == Dialect.POSTGRESQL ? null : Path.of(db),
                intValue(v, "storage.database_pool_size", 1, 64),
                bool(v, "storage.fsync"),
                blank(cert) ? null : Path.of(cert),
                blank(key) ? null : Path.of(key),
                duration(v, "uploads.expiry"),
                intValue(v, "manifests.max_bytes", 1024, Integer.MAX_VALUE - 1),
                bool(v, "deletes.enabled"),
                duration(v, "gc.interval"),
                duration(v, "gc.grace_period"),
                bool(v, "gc.delete_untagged"),
                duration(v, "server.shutdown_timeout"),
                list(v.get("server.trusted_proxies")),
                positive(duration(v, "server.idle_timeout"), "server.idle_timeout"),
                intValue(v, "server.min_request_data_rate", 0, Integer.MAX_VALUE),
                intValue(v, "server.max_connections_per_address", 0, Integer.MAX_VALUE),
                values, env);
    }

    /** Zero would mean "never time out" to Jetty: the one value the idle timeout exists to rule out. */
    private static Duration positive(Duration d, String key) {
        if (d.isZero()) throw new IllegalArgumentException(key + ": must be more than 0");
        return d;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isNull()) {
            out.put(prefix, "");
        } else if (node.isValueNode()) {
            out.put(prefix, node.asText());
        } else {
            out.put(prefix, node.toString()); // lists stay JSON for the capability that owns them
        }
    }

    /** A YAML list (kept as JSON by {@link #flatten}) or a comma- or space-separated string. */
    private static List<String> list(String s) {
        if (blank(s)) return List.of();
        String t = s.strip();
        if (t.startsWith("[")) {
            try {
                List<String> out = new java.util.ArrayList<>();
                for (JsonNode n : YAML.readTree(t)) out.add(n.asText().strip());
                return out;
            } catch (IOException e) {
                throw new IllegalArgumentException("not a list: " + t, e);
            }
        }
        return java.util.Arrays.stream(t.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static int intValue(Map<String, String> v, String key, int min, int max) {
        String s = v.get(key).trim();
        try {
            int i = Integer.parseInt(s);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected an integer between " + min + " and " + max + ", got '" + s + "'");
        }
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false, got '" + s + "'");
        };
    }

    /** Accepts {@code 0}, {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 500ms} or ISO-8601 ({@code PT1H}). */
    public static Duration parseDuration(String key, String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("0")) return Duration.ZERO;
            if (s.startsWith("p")) return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": expected a duration such as 30s, 15m, 24h or PT1H, got '" + text + "'");
        }
    }

    private static Duration duration(Map<String, String> v, String key) {
        Duration d = parseDuration(key, v.get(key));
        if (d.isNegative()) throw new IllegalArgumentException(key + ": must not be negative");
        return d;
    }
}
