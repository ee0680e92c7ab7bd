package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.InvalidManifestException;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that talks HTTP to a registry for {@link RegistryClient}'s operation classes (Jib's
 * RegistryEndpointCaller): the OkHttp client, authentication, retries, 429 handling, bounded reads and the mapping of
 * error answers to {@link RegistryException}s. Keeping it shared means every operation retries, authenticates and
 * words its errors the same way, and the request count and last rate-limit status cover all of them.
 * Thread-safe: the only mutable state is the two atomics and the {@link Authenticator}'s token cache.
 */
final class RegistryEndpoint {
    /*
     * Logged under RegistryClient's name, as before the split, so existing logging configurations still select it.
     * Operation classes use the same name for the same reason.
     */
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int ERROR_BODY_LIMIT = 8 * 1024;

    private final String registry;
    private final HttpUrl base;
    private final OkHttpClient http;
    private final Authenticator auth;
    private final RetryPolicy retry;
    private final Clock clock;
    private final AtomicReference<RateLimitStatus> lastRateLimit = new AtomicReference<>();
    private final AtomicLong requestCount = new AtomicLong();

    RegistryEndpoint(String registry, HttpUrl base, OkHttpClient http, Authenticator auth, RetryPolicy retry, Clock clock) {
        this.registry = registry;
        this.base = base;
        this.http = http;
        this.auth = auth;
        this.retry = retry;
        this.clock = clock;
    }

    String registry() {
        return registry;
    }

    HttpUrl base() {
        return base;
    }

    RetryPolicy retry() {
        return retry;
    }

    Optional<RateLimitStatus> rateLimit() {
        return Optional.ofNullable(lastRateLimit.get());
    }

    long requestCount() {
        return requestCount.get();
    }

    int cachedTokens() {
        return auth.cachedTokens();
    }

    // ------------------------------------------------------------------------------------------------ scopes

    static String pull(RepositoryName repo) {
        return "repository:" + repo + ":pull";
    }

    static String push(RepositoryName repo) {
        return "repository:" + repo + ":pull,push";
    }

    static String repo(String action, RepositoryName repo) {
        return "repository:" + repo + ":" + action;
    }

    HttpUrl url(String path) {
        HttpUrl u = base.resolve(path);
        if (u == null) throw new IllegalArgumentException("bad path " + path);
        return u;
    }

    // ------------------------------------------------------------------------------------------------ sending

    /** GET /v2/: reachable and our credentials accepted. */
    void ping() {
        try (Response r = send("GET", url("/v2/"), null, List.of(), true)) {
            if (!r.isSuccessful()) throw error("GET", "/v2/", r);
        }
    }

    /**
     * Asks GET /v2/ without credentials how the registry authenticates: no authentication needed (empty), or a Bearer
     * challenge, whose token service then issues a token for {@code scopes} with our credentials. A registry with Basic
     * only has no way to issue a narrower credential, which is an error here, never a silent fallback to our password.
     */
    Optional<ScopedToken> scopedToken(List<String> scopes) {
        requestCount.incrementAndGet();
        try (Response r = http.newCall(new Request.Builder().url(url("/v2/")).get().build()).execute()) {
            if (r.isSuccessful()) return Optional.empty();
            if (r.code() != 401) throw error("GET", "/v2/", r);
            AuthChallenge bearer = AuthChallenge.parse(String.join(", ", r.headers("WWW-Authenticate"))).stream()
                    .filter(c -> c.isBearer() && c.param("realm") != null).findFirst()
                    .orElseThrow(() -> new AuthenticationException(registry + " asks for credentials but has no token service"
                            + " (no Bearer challenge on /v2/), so it cannot issue a token limited to " + String.join(" ", scopes), 401));
            return Optional.of(auth.issue(bearer, scopes));
        } catch (IOException e) {
            throw unreachable("GET", url("/v2/"), 1, e);
        }
    }

    Response send(String method, HttpUrl url, RequestBody body, List<String> scopes, boolean replayable) {
        return send(method, url, body, scopes, replayable, null);
    }

    /**
     * Sends one request with authentication, retries (5xx, connection errors: exponential backoff with jitter; only
     * when the body can be sent again) and 429 handling. Returns the final response for the caller to check.
     */
    Response send(String method, HttpUrl url, RequestBody body, List<String> scopes, boolean replayable, Headers extraHeaders) {
        int attempt = 0;
        int authRounds = 0;
        int rateWaits = 0;
        List<String> effectiveScopes = scopes;
        while (true) {
            Request.Builder rb = new Request.Builder();
            if (extraHeaders != null) rb.headers(extraHeaders);
            rb.url(url).method(method, body);
            if (url.encodedPath().contains("/manifests/")) rb.header("Accept", MediaTypes.MANIFEST_ACCEPT);
            Request request;
            try {
                request = authorized(rb, effectiveScopes).build();
            } catch (IOException e) {
                attempt++;
                if (attempt >= retry.maxAttempts()) throw new RegistryException("cannot reach the token service of " + registry + ": " + e.getMessage(), e);
                sleep(retry.backoff(attempt));
                continue;
            }
            Response r;
            requestCount.incrementAndGet();
            try {
                r = http.newCall(request).execute();
            } catch (ProtocolException e) {
                if (String.valueOf(e.getMessage()).contains("follow-up")) {
                    throw new RegistryException(method + " " + url.encodedPath() + " on " + registry + " was redirected too many times (a redirect loop?)", e);
                }
                throw new RegistryException(method + " " + url.encodedPath() + " on " + registry + ": protocol error: " + e.getMessage(), e);
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) throw new RegistryException("interrupted", e);
                attempt++;
                if (!replayable || attempt >= retry.maxAttempts()) throw unreachable(method, url, attempt, e);
                sleep(retry.backoff(attempt));
                continue;
            } catch (IOException e) {
                if (e instanceof BlobVerificationException bve) throw new RegistryException(bve.getMessage(), bve);
                attempt++;
                if (!replayable || attempt >= retry.maxAttempts()) throw unreachable(method, url, attempt, e);
                log.debug("{} {} on {} failed ({}), retry {}", method, url.encodedPath(), registry, e.toString(), attempt);
                sleep(retry.backoff(attempt));
                continue;
            }
            RateLimitStatus rl = RateLimitStatus.parse(r);
            if (rl != null) lastRateLimit.set(rl);
            log.debug("{} {} on {} -> {}", method, url.encodedPath(), registry, r.code());
            if (r.code() == 401 && authRounds < 2) {
                List<AuthChallenge> challenges = AuthChallenge.parse(String.join(", ", r.headers("WWW-Authenticate")));
                boolean had = request.header("Authorization") != null;
                if (auth.onUnauthorized(challenges, effectiveScopes, had) && replayable) {
                    r.close();
                    authRounds++;
                    effectiveScopes = auth.challengeScopes(effectiveScopes);
                    continue;
                }
                return r;
            }
            if (r.code() == 429) {
                Duration wait = retryAfter(r);
                if (wait != null && replayable && wait.compareTo(retry.maxRateLimitWait()) <= 0 && rateWaits < retry.maxRateLimitWaits()) {
                    r.close();
                    rateWaits++;
                    log.warn("{} is rate limiting us (429); waiting {}s as Retry-After asks{}", registry, Math.max(1, wait.toSeconds()),
                            rl != null ? " (" + rl + ")" : "");
                    sleep(wait);
                    continue;
                }
                r.close();
                throw rateLimited(wait, rl);
            }
            if (isRetryableStatus(r.code()) && replayable && attempt + 1 < retry.maxAttempts()) {
                r.close();
                attempt++;
                log.debug("{} {} on {} answered {}, retry {}", method, url.encodedPath(), registry, r.code(), attempt);
                sleep(retry.backoff(attempt));
                continue;
            }
            return r;
        }
    }

    /**
     * Sends {@code rb} once with the token we hold for no particular scope: no retry, no challenge round, not counted.
     * Only for best-effort clean-up (cancelling an upload the registry declined to mount), where a failure costs nothing
     * because registries expire abandoned uploads anyway.
     */
    Response sendBestEffort(Request.Builder rb) throws IOException {
        return http.newCall(authorized(rb, List.of()).build()).execute();
    }

    /**
     * Sends {@code request} exactly once with Basic auth from our credentials and a client that waits up to
     * {@code timeout}: for Gatehouse's management API, which takes Basic rather than /v2's token flow, and whose calls
     * may start work, so replaying them is not safe. Counted like any other request.
     */
    Response sendOnceWithBasic(Request.Builder rb, Duration timeout) throws IOException {
        String basic = auth.basicHeader();
        if (basic != null) rb.header("Authorization", basic);
        OkHttpClient patient = http.newBuilder().callTimeout(timeout).readTimeout(timeout).build();
        requestCount.incrementAndGet();
        return patient.newCall(rb.build()).execute();
    }

    private Request.Builder authorized(Request.Builder rb, List<String> scopes) throws IOException {
        String h = auth.authorization(auth.challengeScopes(scopes));
        if (h != null) rb.header("Authorization", h);
        return rb;
    }

    private static boolean isRetryableStatus(int code) {
        return code == 500 || code == 502 || code == 503 || code == 504;
    }

    private RegistryException unreachable(String method, HttpUrl url, int attempts, IOException e) {
        return new RegistryException("cannot reach " + registry + " (" + method + " " + url.encodedPath() + ", " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + "): " + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""), e);
    }

    private RateLimitedException rateLimited(Duration wait, RateLimitStatus rl) {
        Instant now = clock.instant();
        Instant resumes = wait != null ? now.plus(wait) : (rl != null && rl.windowSeconds() > 0 ? now.plusSeconds(rl.windowSeconds()) : null);
        StringBuilder sb = new StringBuilder(registry).append(" rate limit reached (HTTP 429 Too Many Requests)");
        if (rl != null) sb.append(": ").append(rl);
        if (resumes != null) {
            sb.append("; the quota returns ").append(wait != null ? "at " : "by ").append(resumes.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .append(" (in ").append(human(Duration.between(now, resumes))).append(")");
        } else {
            sb.append("; the registry did not say when the quota returns");
        }
        sb.append(". Stopped instead of waiting; run again after that.");
        return new RateLimitedException(sb.toString(), resumes, rl);
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) return s + "s";
        if (s < 3600) return (s / 60) + "m";
        return (s / 3600) + "h " + (s % 3600) / 60 + "m";
    }

    private Duration retryAfter(Response r) {
        String v = r.header("Retry-After");
        if (v == null) return null;
        v = v.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                return Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting to retry", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ answers

    /** The exception for a non-success answer: the OCI error codes and first message of its JSON body, if any. */
    RegistryException error(String method, String path, Response r) {
        List<String> codes = new ArrayList<>();
        String detail = null;
        try {
            String ct = r.header("Content-Type", "");
            if (r.body() != null && ct.contains("json")) {
                byte[] b = readLimited(r.body().byteStream(), ERROR_BODY_LIMIT);
                JsonNode n = Json.MAPPER.readTree(b);
                for (JsonNode e : n.path("errors")) {
                    codes.add(e.path("code").asText());
                    if (detail == null) detail = e.path("message").asText(null);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // an error body we cannot read: the status says enough
        }
        String msg = method + " " + path + " on " + registry + " failed: HTTP " + r.code()
                + (codes.isEmpty() ? "" : " " + String.join(",", codes)) + (detail != null ? ": " + clip(detail) : "");
        if (r.code() == 401 || r.code() == 403) {
            return new AuthenticationException(msg + (r.code() == 401 ? " (credentials missing or refused" + auth.sourceHint() + ")" : " (not allowed)"), r.code());
        }
        return new RegistryException(msg, r.code(), codes);
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static JsonNode readJson(Response r, String path) {
        try {
            return Json.MAPPER.readTree(readLimited(r.body().byteStream(), 64 * 1024 * 1024));
        } catch (IOException e) {
            throw new RegistryException("reading " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The {@code Link: <…>; rel="next"} page after this one, resolved against the request, or null on the last page. */
    static HttpUrl nextLink(Response r) {
        for (String link : r.headers("Link")) {
            Matcher m = LINK_NEXT.matcher(link);
            if (m.find()) return r.request().url().resolve(m.group(1));
        }
        return null;
    }

    static String contentType(Response r) {
        String ct = r.header("Content-Type");
        return ct == null ? null : ct.split(";")[0].strip();
    }

    static long parseLong(String s, long dflt) {
        if (s == null) return dflt;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Reads at most {@code limit} bytes, so a hostile or broken registry cannot make us buffer without bound. */
    static byte[] readLimited(InputStream in, int limit) throws IOException {
        byte[] b = in.readNBytes(limit + 1);
        if (b.length > limit) throw new InvalidManifestException("response larger than " + limit + " bytes");
        return b;
    }
}
