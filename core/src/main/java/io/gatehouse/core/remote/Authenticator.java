package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.InvalidManifestException;
import io.gatehouse.core.model.Json;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry auth dance of one registry: remembers the challenge the registry sent (Basic or Bearer), and for Bearer
 * fetches tokens from the realm (Docker's token spec: GET with service and scope, Basic credentials when we have them;
 * or the OAuth2 POST with a refresh token) and caches them per set of scopes until they expire.
 * Tokens and passwords are never logged nor put in exception messages.
 */
final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    /** The token spec says a token without expires_in lives 60 seconds. */
    private static final long DEFAULT_TOKEN_SECONDS = 60;
    /** Renew a little early so a token does not expire in flight. */
    private static final long EXPIRY_MARGIN_SECONDS = 10;
    /**
     * A token response is a JWT or an opaque string of a few KiB; a bound keeps a broken or hostile token service from
     * making us read (and Jackson build a tree of) an endless body.
     */
    static final int TOKEN_BODY_LIMIT = 1024 * 1024;

    private record Token(String value, Instant expires) {
    }

    private final String registry;
    private final OkHttpClient http;
    private final Optional<Credentials> credentials;
    private final Clock clock;
    private final String credentialSource;
    private volatile AuthChallenge challenge;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> fetching = new ConcurrentHashMap<>();

    /** Our username and password as a Basic header, for an API beside /v2 that takes Basic directly; null if none. */
    String basicHeader() {
        return credentials.filter(c -> !c.hasIdentityToken()).map(Credentials::basicHeader).orElse(null);
    }

    /** "; " and where the credentials came from (or were looked for), or nothing when the caller did not say. */
    String sourceHint() {
        return credentialSource == null ? "" : "; " + credentialSource;
    }

    Authenticator(String registry, OkHttpClient http, Optional<Credentials> credentials, String credentialSource, Clock clock) {
        this.registry = registry;
        this.credentialSource = credentialSource;
        this.http = http;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The Authorization header to send for a request needing {@code scopes}, or null (no challenge seen yet). */
    String authorization(List<String> scopes) throws IOException {
        AuthChallenge c = challenge;
        if (c == null) return null;
        if (c.isBasic()) return basicHeader();
        if (c.isBearer()) return "Bearer " + token(c, scopes);
        return null;
    }

    /**
     * Takes in a 401's challenges. Returns false when we cannot do better than we did (unknown scheme, or Basic
     * without credentials), so the caller reports the 401.
     */
    boolean onUnauthorized(List<AuthChallenge> challenges, List<String> scopes, boolean hadAuthorization) {
        AuthChallenge bearer = challenges.stream().filter(AuthChallenge::isBearer).findFirst().orElse(null);
        AuthChallenge basic = challenges.stream().filter(AuthChallenge::isBasic).findFirst().orElse(null);
        AuthChallenge chosen = bearer != null && bearer.param("realm") != null ? bearer : basic;
        if (chosen == null) return false;
        if (chosen.isBasic() && basicHeader() == null) return false;
        if (hadAuthorization && chosen.equals(challenge)) {
            // our Basic credentials were refused: no point repeating them
            if (chosen.isBasic()) return false;
            // our token was refused: it may have expired early, or the registry wants more scope; fetch afresh once
            // (the caller bounds how often a request may re-authenticate)
            tokens.clear();
        }
        challenge = chosen;
        return true;
    }

    /** Scopes the challenge asks for that the caller did not list (Distribution names exactly what it needs). */
    List<String> challengeScopes(List<String> scopes) {
        AuthChallenge c = challenge;
        if (c == null || c.param("scope") == null) return scopes;
        TreeSet<String> all = new TreeSet<>(scopes);
        for (String s : c.param("scope").split(" ")) if (!s.isBlank()) all.add(s);
        return List.copyOf(all);
    }

    private String token(AuthChallenge c, List<String> scopes) throws IOException {
        String key = key(c, scopes);
        Token t = tokens.get(key);
        if (t != null && clock.instant().isBefore(t.expires)) return t.value;
        // One fetch per scope at a time: a mirror plan's first round (the tag list and the HEADs of the tags the target
        // has, at once on a fresh client) all meet the same 401 and would each fetch their own token, 17 requests to
        // Docker Hub's token service where one does.
        synchronized (fetching.computeIfAbsent(key, k -> new Object())) {
            t = tokens.get(key);
            if (t != null && clock.instant().isBefore(t.expires)) return t.value;
            Token fresh = fetch(c, scopes);
            tokens.put(key, fresh);
            return fresh.value;
        }
    }

    /**
     * A fresh token for exactly {@code scopes} from the realm of {@code bearer}, with our credentials, not cached and
     * not used by this client: it is meant to be handed to another process (see {@link RegistryClient#scopedToken}).
     */
    ScopedToken issue(AuthChallenge bearer, List<String> scopes) throws IOException {
        Token t = fetch(bearer, scopes);
        return new ScopedToken(t.value, t.expires, scopes);
    }

    private static String key(AuthChallenge c, List<String> scopes) {
        return c.param("realm") + "|" + c.param("service") + "|" + String.join(" ", new TreeSet<>(scopes));
    }

    private Token fetch(AuthChallenge c, List<String> scopes) throws IOException {
        HttpUrl realm = HttpUrl.parse(c.param("realm"));
        if (realm == null) throw new AuthenticationException(registry + " sent a token realm that is not an http(s) URL", 401);
        Request request;
        Credentials cred = credentials.orElse(null);
        if (cred != null && cred.hasIdentityToken()) {
            FormBody.Builder form = new FormBody.Builder()
                    .add("grant_type", "refresh_token")
                    .add("refresh_token", cred.identityToken())
                    .add("client_id", "gatehouse");
            if (c.param("service") != null) form.add("service", c.param("service"));
            if (!scopes.isEmpty()) form.add("scope", String.join(" ", scopes));
            request = new Request.Builder().url(realm).post(form.build()).build();
        } else {
            HttpUrl.Builder url = realm.newBuilder();
            if (c.param("service") != null) url.addQueryParameter("service", c.param("service"));
            for (String s : scopes) url.addQueryParameter("scope", s);
            Request.Builder rb = new Request.Builder().url(url.build()).get();
            if (cred != null) {
                url.addQueryParameter("account", cred.username());
                rb.url(url.build()).header("Authorization", cred.basicHeader());
            }
            request = rb.build();
        }
        log.debug("fetching token from {} for {} scopes {}", realm.host(), registry, scopes);
        try (Response r = http.newCall(request).execute()) {
            if (r.code() == 401 || r.code() == 403) {
                throw new AuthenticationException("the token service of " + registry + " refused "
                        + (cred == null ? "anonymous access" : "the credentials of user '" + cred.username() + "'")
                        + " for " + String.join(" ", scopes) + " (HTTP " + r.code() + sourceHint() + ")", r.code());
            }
            if (!r.isSuccessful()) {
                throw new RegistryException("the token service of " + registry + " answered HTTP " + r.code(), r.code(), List.of());
            }
            byte[] bytes;
            try {
                bytes = RegistryEndpoint.readLimited(r.body().byteStream(), TOKEN_BODY_LIMIT);
            } catch (InvalidManifestException tooLarge) {
                throw new RegistryException("the token service of " + registry + " sent a response larger than "
                        + TOKEN_BODY_LIMIT + " bytes", r.code(), List.of());
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new RegistryException("the token service of " + registry + " sent a body that is not JSON", r.code(), List.of());
            }
            String value = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText(null);
            if (value == null || value.isEmpty()) throw new RegistryException("the token service of " + registry + " sent no token", r.code(), List.of());
            long seconds = body.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
            if (seconds <= 0) seconds = DEFAULT_TOKEN_SECONDS;
            Instant issued = clock.instant();
            Instant expires = issued.plusSeconds(Math.max(1, seconds - Math.min(EXPIRY_MARGIN_SECONDS, seconds / 2)));
            return new Token(value, expires);
        }
    }

    int cachedTokens() {
        return tokens.size();
    }
}
