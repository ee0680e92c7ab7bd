package io.gatehouse.registry.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.registry.auth.AccessRules;
import io.gatehouse.registry.auth.Principal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The web interface's server-side sessions, in memory (a restart signs everybody out). A session is a random
 * 256-bit id in a cookie; the server keeps who signed in, the account <em>generation</em> they signed in with, and
 * the session's CSRF token. Every request re-checks the account through {@link AccessRules#activePrincipal(String,
 * String)}, exactly as bearer tokens are re-checked: a changed password, a disabled or deleted account ends the
 * session at once. Sessions end after {@code idle} without a request and {@code absolute} after sign-in.
 *
 * <p>Visitors who are not signed in get a session too (for the sign-in form's CSRF token), kept apart and smaller,
 * so a flood of anonymous visits cannot push signed-in sessions out.
 */
public final class UiSessions {

    /** One session; {@code name} and {@code generation} are null while nobody is signed in. */
    public record Session(String id, String csrf, String name, String generation, Instant createdAt) {
        public boolean signedIn() {
            return name != null;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration absolute;
    private final AccessRules rules;
    private final Cache<String, Session> signedIn;
    private final Cache<String, Session> anonymous;

    public UiSessions(AccessRules rules, Clock clock, Duration idle, Duration absolute) {
        this.rules = rules;
        this.clock = clock;
        this.absolute = absolute;
        // the clock decides idleness too, so tests can move it forward
        com.github.benmanes.caffeine.cache.Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.signedIn = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(idle).ticker(ticker).build();
        this.anonymous = Caffeine.newBuilder().maximumSize(20_000).expireAfterAccess(Duration.ofMinutes(30)).ticker(ticker).build();
    }

    /** A new session for a visitor who is not signed in. */
    public Session anonymous() {
        Session s = new Session(token(), token(), null, null, clock.instant());
        anonymous.put(s.id(), s);
        return s;
    }

    /**
     * Signs {@code p} in: a <em>new</em> session id and CSRF token (the one used before signing in is dropped, so a
     * session id planted in a browser beforehand is worth nothing).
     */
    public Session signIn(Principal p, String previousId) {
        if (previousId != null) end(previousId);
        Session s = new Session(token(), token(), p.name(), p.generation(), clock.instant());
        signedIn.put(s.id(), s);
        return s;
    }

    /** The live session of this id, or empty (unknown, idle too long, past its absolute life). */
    public Optional<Session> find(String id) {
        if (id == null || id.length() != 43) return Optional.empty();
        Session s = signedIn.getIfPresent(id);
        if (s == null) s = anonymous.getIfPresent(id);
        if (s == null) return Optional.empty();
        if (s.signedIn() && !clock.instant().isBefore(s.createdAt().plus(absolute))) {
            end(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /**
     * Who a signed-in session acts as now: the account as it stands, only while it is still in the generation the
     * session was made for. Empty ends the session.
     */
    public Optional<Principal> principal(Session s) {
        if (!s.signedIn()) return Optional.of(Principal.ANONYMOUS);
        Optional<Principal> p = rules.activePrincipal(s.name(), s.generation());
        if (p.isEmpty()) end(s.id());
        return p;
    }

    public void end(String id) {
        signedIn.invalidate(id);
        anonymous.invalidate(id);
    }

    /** Constant-time comparison of a submitted CSRF token with the session's. */
    public static boolean csrfMatches(Session s, String submitted) {
        if (submitted == null) return false;
        return MessageDigest.isEqual(s.csrf().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                submitted.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
