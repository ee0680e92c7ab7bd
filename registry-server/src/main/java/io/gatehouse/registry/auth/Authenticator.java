package io.gatehouse.registry.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.registry.accounts.AccessChanges;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.accounts.User;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Finds out who is calling from an {@code Authorization} header: nobody (anonymous), Basic credentials (a user's
 * password or a service account's token), or a bearer token from our token endpoint. Password checks are
 * throttled and audited; a successful Basic check is remembered for a while (by a hash of the header) so that
 * clients sending Basic on every request do not pay Argon2 each time.
 *
 * <p>Bearer tokens and remembered Basic checks are bound to the account <em>state</em> they were made for (its
 * {@linkplain Principal#generation() generation}), not just its name: a deleted and re-created account, a changed
 * password or a disabled account ends them at once. The token endpoint takes passwords only
 * ({@link #authenticateForToken}): a bearer token never buys another token.
 */
public final class Authenticator {

    /** How the caller authenticated. */
    public enum Via { NONE, BASIC, BEARER }

    public sealed interface Result {
    }

    public record Authenticated(Principal principal, Via via, VerifiedToken token) implements Result {
    }

    /** The credentials were bad, or the caller is throttled: {@code denied} says which. */
    public record Rejected(Decision.Denied denied) implements Result {
    }

    private static final int MAX_HEADER = 16 * 1024;
    private static final Duration BASIC_REUSE = Duration.ofMinutes(15);

    private final Accounts accounts;
    private final AccessRules rules;
    private final TokenService tokens;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Challenges challenges;
    /** A Basic header that was checked: whose, and in which account state. */
    private record Known(String name, String generation) {
    }

    private final Cache<String, Known> basicCache;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Result>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.time.Clock clock;

    public Authenticator(Accounts accounts, AccessRules rules, TokenService tokens, LoginThrottle throttle, AuditLog audit,
                         Challenges challenges, AccessChanges changes, java.time.Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.rules = rules;
        this.tokens = tokens;
        this.throttle = throttle;
        this.audit = audit;
        this.challenges = challenges;
        // A verified Basic header is reused for BASIC_REUSE: an Argon2id check costs tens of milliseconds, which a
        // client that sends Basic on every call (podman, the Jenkins plugin, a scheduled mirror) would pay each time.
        // Reuse is safe for that long: every hit re-checks that the principal exists, is enabled and (a service
        // account) has not expired, and any change to accounts or grants (a new password, a revoked token) empties
        // the cache at once.
        this.basicCache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(BASIC_REUSE).build();
        changes.subscribe(basicCache::invalidateAll);
    }

    /**
     * @param scope only used to word the challenge of a rejection
     */
    public Result authenticate(String authorization, String remoteAddress, Scope scope) {
        if (authorization == null || authorization.isBlank()) {
            return new Authenticated(Principal.ANONYMOUS, Via.NONE, null);
        }
        if (authorization.length() > MAX_HEADER) return new Rejected(challenges.invalidCredentials(scope));
        String h = authorization.strip();
        int sp = h.indexOf(' ');
        String schemeName = scheme(h);
        String value = sp < 0 ? "" : h.substring(sp + 1).strip();
        if (schemeName.equalsIgnoreCase("Bearer")) {
            Optional<VerifiedToken> t = tokens.verify(value);
            if (t.isEmpty()) return new Rejected(challenges.invalidToken(scope));
            // A token outlives nothing: its subject must still be the same account (generation), existing and active
            // (deletion, re-creation under the name, password change, disabling, revocation).
            Optional<Principal> p = rules.activePrincipal(t.get().subject(), t.get().generation());
            if (p.isEmpty()) return new Rejected(challenges.invalidToken(scope));
            return new Authenticated(p.get(), Via.BEARER, t.get());
        }
        if (schemeName.equalsIgnoreCase("Basic")) {
            Optional<String[]> creds = decodeBasic(value);
            if (creds.isEmpty()) return new Rejected(challenges.invalidCredentials(scope));
            String cacheKey = Accounts.tokenHash(h);
            Known known = basicCache.getIfPresent(cacheKey);
            if (known != null) {
                Optional<Principal> p = rules.activePrincipal(known.name(), known.generation());
                if (p.isPresent()) return new Authenticated(p.get(), Via.BASIC, null);
            }
            // One check per distinct header at a time: concurrent requests with the same credentials wait for it.
            java.util.concurrent.CompletableFuture<Result> mine = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Result> running = inFlight.putIfAbsent(cacheKey, mine);
            if (running != null) {
                Result r = running.join();
                if (r instanceof Authenticated) return r;
                // A failure is not shared: this request's attempt counts (and is throttled) on its own.
            }
            char[] password = creds.get()[1].toCharArray();
            Result r = null;
            try {
                r = checkPassword(creds.get()[0], password, remoteAddress, scope);
                if (r instanceof Authenticated a) basicCache.put(cacheKey, new Known(a.principal().name(), a.principal().generation()));
                return r;
            } finally {
                Arrays.fill(password, '\0');
                if (running == null) {
                    inFlight.remove(cacheKey, mine);
                    mine.complete(r == null ? new Rejected(challenges.invalidCredentials(scope)) : r);
                }
            }
        }
        return new Rejected(challenges.authenticationRequired(scope));
    }

    /**
     * For the token endpoint: no credentials (anonymous) or Basic only. A bearer token is refused (401): it must
     * never be a credential for minting tokens, or a narrow or stolen token would buy wider ones, forever.
     */
    public Result authenticateForToken(String authorization, String remoteAddress) {
        if (authorization != null && !authorization.isBlank() && !scheme(authorization.strip()).equalsIgnoreCase("Basic")) {
            return new Rejected(challenges.invalidCredentials(null));
        }
        return authenticate(authorization, remoteAddress, null);
    }

    /** The scheme of a stripped Authorization header: what comes before the first space. */
    private static String scheme(String header) {
        int sp = header.indexOf(' ');
        return sp < 0 ? header : header.substring(0, sp);
    }

    /**
     * Checks a user name and a password or service-account token: throttled, audited. Used for Basic headers and
     * by the token endpoint.
     */
    public Result checkPassword(String username, char[] password, String remoteAddress, Scope scope) {
        String shownName = printable(username);
        // Counted before the slow check, so parallel guesses cannot all pass the limit (see LoginThrottle).
        LoginThrottle.Attempt attempt = throttle.attempt(username, remoteAddress);
        if (attempt.refused().isPresent()) {
            audit.record(new AuditEvent(0, clock.instant(), shownName, "unknown", AuditEvent.LOGIN_THROTTLED, "",
                    remoteAddress, AuditEvent.Outcome.DENIED, "too many failed logins"));
            return new Rejected(Challenges.tooManyRequests(attempt.refused().get()));
        }
        Optional<Principal> who = Optional.empty();
        if (password.length > 0 && new String(password, 0, Math.min(password.length, Accounts.TOKEN_PREFIX.length())).equals(Accounts.TOKEN_PREFIX)) {
            Optional<ServiceAccount> sa = accounts.verifyToken(username, new String(password));
            who = sa.map(a -> Principal.serviceAccount(a.name(), a.systemAdmin(), a.generation()));
        }
        if (who.isEmpty()) {
            Optional<User> u = accounts.verifyPassword(username, password);
            who = u.map(x -> Principal.user(x.name(), x.systemAdmin(), x.generation()));
        }
        if (who.isEmpty()) {
            audit.record(new AuditEvent(0, clock.instant(), shownName, "unknown", AuditEvent.LOGIN_FAILED, "",
                    remoteAddress, AuditEvent.Outcome.FAILURE, "invalid credentials"));
            return new Rejected(challenges.invalidCredentials(scope));
        }
        attempt.succeeded();
        audit.record(who.get(), AuditEvent.LOGIN, "", remoteAddress, AuditEvent.Outcome.SUCCESS, "");
        return new Authenticated(who.get(), Via.BASIC, null);
    }

    /** {@code [user, password]} from a Basic header value, or empty when it is not valid base64 UTF-8 with a colon. */
    static Optional<String[]> decodeBasic(String value) {
        try {
            byte[] raw = Base64.getDecoder().decode(value);
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
            int colon = s.indexOf(':');
            if (colon < 0) return Optional.empty();
            return Optional.of(new String[]{s.substring(0, colon), s.substring(colon + 1)});
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A name safe for the audit log: printable, at most 64 characters (hostile names can be anything). */
    static String printable(String s) {
        if (s == null) return "";
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
