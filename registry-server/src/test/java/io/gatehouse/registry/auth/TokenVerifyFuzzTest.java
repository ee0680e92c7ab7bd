package io.gatehouse.registry.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens as an attacker sends them. Two inputs per run: the bytes as a whole token, and the bytes as a
 * header and payload (split at the first newline, base64url-encoded) under the signature of a real token.
 * Properties: {@link TokenService#verify} never throws and never accepts anything but the exact token it issued.
 */
class TokenVerifyFuzzTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final TokenService TOKENS = new TokenService(TokenKeys.ephemeral(), "gatehouse-auth", "gatehouse",
            Duration.ofMinutes(5), CLOCK);
    static final String REAL = TOKENS.issue(Principal.user("alice", false, "g1"), List.of(Scope.repository("a/b", "pull", "push"))).token();

    @FuzzTest(maxDuration = "20s")
    void verifyNeverAcceptsForgeries(byte[] data) {
        String token = new String(data, StandardCharsets.UTF_8);
        if (!token.equals(REAL)) {
            assertThat(TOKENS.verify(token)).as(token).isEmpty();
        }
        int nl = token.indexOf('\n');
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = nl < 0 ? token : token.substring(0, nl);
        String payload = nl < 0 ? "" : token.substring(nl + 1);
        String forged = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + REAL.substring(REAL.lastIndexOf('.'));
        if (!forged.equals(REAL)) {
            assertThat(TOKENS.verify(forged)).as(forged).isEmpty();
        }
    }
}
