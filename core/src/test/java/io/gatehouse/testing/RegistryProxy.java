package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Hub look-alike in front of a real registry (CNCF Distribution): forwards the registry API, and adds the
 * parts only Docker Hub has — anonymous bearer tokens from its own token endpoint, {@code ratelimit-limit} /
 * {@code ratelimit-remaining} headers, a pull quota spent by manifest GETs (HEADs are free, as on Docker Hub) and
 * {@code 429} with {@code Retry-After} once it is spent. It counts requests, so tests can prove what a client did,
 * and takes fault rules (corrupt or cut a blob, 503s, redirect loops, bad manifests) for bad-input tests.
 */
public final class RegistryProxy implements AutoCloseable {
    /** A fault: handle the exchange and return true, or return false to let it pass. */
    @FunctionalInterface
    public interface Rule {
        boolean apply(HttpExchange ex, String method, String path) throws IOException;
    }

    private static final Pattern NAME = Pattern.compile("^/v2/(.+?)/(manifests|blobs|tags|referrers)/.*");

    private final HttpServer server;
    private final ExecutorService pool;
    private final String upstream;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private volatile boolean requireToken;
    private volatile int quotaLimit = -1;
    private final AtomicInteger quotaRemaining = new AtomicInteger();
    private volatile long retryAfterSeconds = 1;
    private volatile Instant quotaResetAt;

    public final AtomicInteger manifestGets = new AtomicInteger();
    public final AtomicInteger manifestHeads = new AtomicInteger();
    public final AtomicInteger blobGets = new AtomicInteger();
    public final AtomicLong blobBytes = new AtomicLong();
    public final AtomicInteger tokenRequests = new AtomicInteger();
    public final AtomicInteger tooManyRequests = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();

    private RegistryProxy(String upstreamUrl) throws IOException {
        this.upstream = upstreamUrl;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "registry-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Proxies to e.g. {@code distribution.url()}. */
    public static RegistryProxy start(String upstreamUrl) {
        try {
            return new RegistryProxy(upstreamUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Docker Hub mode: anonymous bearer tokens required, pull quota of {@code pulls} per window, 429 + Retry-After. */
    public RegistryProxy dockerHub(int pulls, long retryAfterSeconds) {
        this.requireToken = true;
        this.quotaLimit = pulls;
        this.quotaRemaining.set(pulls);
        this.retryAfterSeconds = retryAfterSeconds;
        return this;
    }

    /**
     * A rule that holds every manifest request until {@code release} is counted down or {@code atMost} has passed, then
     * lets it through: an upstream that is slow (a latch never released) or stalled until a test says so.
     */
    public static Rule stallManifests(java.util.concurrent.CountDownLatch release, java.time.Duration atMost) {
        return (ex, method, path) -> {
            if (path.contains("/manifests/")) {
                try {
                    release.await(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        };
    }

    public RegistryProxy rule(Rule r) {
        rules.add(r);
        return this;
    }

    public void clearRules() {
        rules.clear();
    }

    public void resetCounters() {
        for (AtomicInteger a : List.of(manifestGets, manifestHeads, blobGets, tokenRequests, tooManyRequests, requests)) a.set(0);
        blobBytes.set(0);
    }

    public void refillQuota(int pulls) {
        quotaRemaining.set(pulls);
        quotaResetAt = null;
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url() {
        return "http://" + hostPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            if (path.equals("/token")) {
                token(ex);
                return;
            }
            if (requireToken && !hasToken(ex)) {
                Matcher m = NAME.matcher(path);
                String scope = m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull\"" : "";
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + url() + "/token\",service=\"registry.docker.io\"" + scope);
                send(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            boolean manifest = path.contains("/manifests/");
            if (manifest && method.equals("GET")) manifestGets.incrementAndGet();
            if (manifest && method.equals("HEAD")) manifestHeads.incrementAndGet();
            if (path.contains("/blobs/sha") && method.equals("GET")) blobGets.incrementAndGet();
            if (manifest && quotaLimit >= 0) {
                Instant reset = quotaResetAt;
                if (reset != null && !Instant.now().isBefore(reset)) refillQuota(quotaLimit);
                ex.getResponseHeaders().add("ratelimit-limit", quotaLimit + ";w=21600");
                if (method.equals("GET")) {
                    if (quotaRemaining.get() <= 0) {
                        if (quotaResetAt == null) quotaResetAt = Instant.now().plusSeconds(retryAfterSeconds);
                        tooManyRequests.incrementAndGet();
                        ex.getResponseHeaders().add("ratelimit-remaining", "0;w=21600");
                        ex.getResponseHeaders().add("Retry-After", Long.toString(Math.max(1, java.time.Duration.between(Instant.now(), quotaResetAt).toSeconds() + 1)));
                        send(ex, 429, "application/json", "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit.\"}]}");
                        return;
                    }
                    quotaRemaining.decrementAndGet();
                }
                ex.getResponseHeaders().add("ratelimit-remaining", Math.max(0, quotaRemaining.get()) + ";w=21600");
            }
            for (Rule r : rules) if (r.apply(ex, method, path)) return;
            forward(ex, method);
        } catch (IOException | RuntimeException e) {
            // the client went away, or a rule cut the connection on purpose
        }
    }

    private boolean hasToken(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        return h != null && h.startsWith("Bearer ") && tokens.contains(h.substring(7));
    }

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.incrementAndGet();
        String t = "anon-" + UUID.randomUUID();
        tokens.add(t);
        send(ex, 200, "application/json", "{\"token\":\"" + t + "\",\"access_token\":\"" + t + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}");
    }

    public static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(b.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
    }

    /** Forwards to the real registry, streaming the body; Location and Link are rewritten to point at us. */
    private void forward(HttpExchange ex, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(upstream + ex.getRequestURI().toString()).toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod(method.equals("PATCH") ? "POST" : method);
        if (method.equals("PATCH")) c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
        for (String h : List.of("Accept", "Content-Type", "Content-Range", "Range")) {
            List<String> v = ex.getRequestHeaders().get(h);
            if (v != null) for (String s : v) c.addRequestProperty(h, s);
        }
        if (method.equals("PUT") || method.equals("POST") || method.equals("PATCH")) {
            c.setDoOutput(true);
            String len = ex.getRequestHeaders().getFirst("Content-Length");
            if (len != null) c.setFixedLengthStreamingMode(Long.parseLong(len));
            else c.setChunkedStreamingMode(64 * 1024);
            try (OutputStream out = c.getOutputStream(); InputStream in = ex.getRequestBody()) {
                in.transferTo(out);
            }
        }
        int status = c.getResponseCode();
        for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
            if (h.getKey() == null) continue;
            String k = h.getKey();
            if (k.equalsIgnoreCase("Transfer-Encoding") || k.equalsIgnoreCase("Connection") || k.equalsIgnoreCase("Date")) continue;
            for (String v : h.getValue()) ex.getResponseHeaders().add(k, v.replace(upstream, url()));
        }
        long len = c.getContentLengthLong();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (method.equals("HEAD") || in == null) {
            ex.sendResponseHeaders(status, -1);
            if (in != null) in.close();
            return;
        }
        boolean blob = ex.getRequestURI().getPath().contains("/blobs/sha");
        ex.sendResponseHeaders(status, len > 0 ? len : (len == 0 ? -1 : 0));
        try (in; OutputStream out = ex.getResponseBody()) {
            long n = in.transferTo(out);
            if (blob && method.equals("GET")) blobBytes.addAndGet(n);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
