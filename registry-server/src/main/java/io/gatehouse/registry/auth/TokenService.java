package io.gatehouse.registry.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issues and verifies the registry's bearer tokens: ES256-signed JWTs with the claims of distribution's
 * {@code jwt.md} ({@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code iat}, {@code jti},
 * {@code access}), plus {@code gen}: the subject account's generation when the token was issued, so that the token
 * ends with that account state (deleted, re-created under the same name, password changed, disabled).
 *
 * <p>Verification is on every request of a token-authenticated client, so a verified token is cached by its exact
 * string until it expires: the second and later requests cost one hash lookup instead of an ECDSA verification.
 * Only successes are cached; anything else is re-examined (and rejected) each time.
 */
public final class TokenService {

    /** Tokens never live less than the 60 s that the token spec says older clients assume. */
    public static final Duration MIN_TTL = Duration.ofSeconds(60);
    /** Leeway for clocks that differ a little between issuer and verifier (same process today). */
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TokenKeys keys;
    private final String issuer;
    private final String service;
    private final Duration ttl;
    private final Clock clock;
    private final ECDSASigner signer;
    private final ECDSAVerifier verifier;
    private final Cache<String, VerifiedToken> verified;

    public record Issued(String token, Instant issuedAt, long expiresInSeconds) {
        @Override
        public String toString() {
            return "Issued[token=<redacted>, issuedAt=" + issuedAt + ", expiresIn=" + expiresInSeconds + "]";
        }
    }

    public TokenService(TokenKeys keys, String issuer, String service, Duration ttl, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.service = service;
        this.ttl = ttl.compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(keys.privateKey());
            this.verifier = new ECDSAVerifier(keys.publicKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable token signing key", e);
        }
        this.verified = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfter(Expiry.<String, VerifiedToken>creating((k, v) -> {
                    Duration left = Duration.between(clock.instant(), v.expiresAt());
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .build();
    }

    public String service() {
        return service;
    }

    public String issuer() {
        return issuer;
    }

    /** The claim holding the subject account's generation ({@link Principal#generation()}). */
    static final String GENERATION_CLAIM = "gen";

    /** Signs a token for {@code who} (anonymous: subject "") carrying exactly the {@code granted} access entries. */
    public Issued issue(Principal who, List<Scope> granted) {
        return who.isAnonymous() ? issue("", "", granted) : issue(who.name(), who.generation(), granted);
    }

    private Issued issue(String subject, String generation, List<Scope> granted) {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant exp = now.plus(ttl);
        List<Map<String, Object>> access = new ArrayList<>();
        for (Scope s : granted) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", s.type());
            entry.put("name", s.name());
            entry.put("actions", s.actions().stream().sorted().toList());
            access.add(entry);
        }
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(subject == null ? "" : subject).audience(service)
                .expirationTime(Date.from(exp)).notBeforeTime(Date.from(now)).issueTime(Date.from(now))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
                .claim("access", access)
                .claim(GENERATION_CLAIM, generation)
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(keys.keyId()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return new Issued(jwt.serialize(), now, ttl.toSeconds());
    }

    /** The token's verified content, or empty for anything forged, expired, not yet valid, or not ours. */
    public Optional<VerifiedToken> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) return Optional.empty();
        Instant now = clock.instant();
        VerifiedToken cached = verified.getIfPresent(token);
        if (cached != null) {
            return now.isBefore(cached.expiresAt()) ? Optional.of(cached) : Optional.empty();
        }
        Optional<VerifiedToken> v = verifyUncached(token, now);
        v.ifPresent(t -> verified.put(token, t));
        return v;
    }

    private Optional<VerifiedToken> verifyUncached(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader h = jwt.getHeader();
            // Only our algorithm and our key: no "none", no HMAC with the public key as secret, no foreign keys.
            if (!JWSAlgorithm.ES256.equals(h.getAlgorithm())) return Optional.empty();
            if (!keys.keyId().equals(h.getKeyID())) return Optional.empty();
            if (h.getCriticalParams() != null && !h.getCriticalParams().isEmpty()) return Optional.empty();
            if (!jwt.verify(verifier)) return Optional.empty();
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!issuer.equals(c.getIssuer())) return Optional.empty();
            if (c.getAudience() == null || !c.getAudience().contains(service)) return Optional.empty();
            Date exp = c.getExpirationTime();
            if (exp == null || !now.isBefore(exp.toInstant())) return Optional.empty();
            Date nbf = c.getNotBeforeTime();
            if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) return Optional.empty();
            Object accessClaim = c.getClaim("access");
            List<Scope> access = new ArrayList<>();
            if (accessClaim != null) {
                if (!(accessClaim instanceof List<?> list)) return Optional.empty();
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> m)) return Optional.empty();
                    if (!(m.get("type") instanceof String type) || !(m.get("name") instanceof String name)) return Optional.empty();
                    Set<String> actions = new HashSet<>();
                    if (m.get("actions") instanceof List<?> acts) {
                        for (Object a : acts) if (a instanceof String s) actions.add(s);
                    }
                    int paren = type.indexOf('(');
                    access.add(new Scope(paren >= 0 ? type.substring(0, paren) : type, name, actions));
                }
            }
            String sub = c.getSubject() == null ? "" : c.getSubject();
            // A token without the claim (issued before generations existed) matches no account: its holder logs in again.
            String generation = c.getClaim(GENERATION_CLAIM) instanceof String g ? g : null;
            return Optional.of(VerifiedToken.of(sub, generation, access, exp.toInstant()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
