package io.gatehouse.registry.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed-login throttling with a clock the test moves: per account, per address, and the window moving on. */
class LoginThrottleTest {

    final AuthFixture.MutableClock clock = new AuthFixture.MutableClock(Instant.parse("2026-11-29T06:00:00Z"));
    final LoginThrottle t = new LoginThrottle(clock, 3, 5, Duration.ofMinutes(5));

    @Test
    void blocksAnAccountAfterItsLimitUntilTheWindowMoves() {
        for (int i = 0; i < 3; i++) {
            assertThat(t.attempt("alice", "10.0.0.1").refused()).isEmpty();
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(t.blocked("alice", "10.0.0.2")).hasValueSatisfying(d -> assertThat(d).isEqualTo(Duration.ofSeconds(270)));
        assertThat(t.blocked("bob", "10.0.0.2")).isEmpty();
        clock.advance(Duration.ofSeconds(271));
        assertThat(t.blocked("alice", "10.0.0.2")).isEmpty();
    }

    @Test
    void blocksAnAddressSprayingManyAccounts() {
        for (int i = 0; i < 5; i++) t.attempt("user" + i, "10.9.9.9");
        assertThat(t.blocked("fresh", "10.9.9.9")).isPresent();
        assertThat(t.blocked("fresh", "10.9.9.8")).isEmpty();
    }

    @Test
    void successClearsTheAccountButNotTheAddress() {
        for (int i = 0; i < 2; i++) t.attempt("carol", "10.1.1.1");
        t.attempt("carol", "10.1.1.1").succeeded();
        for (int i = 0; i < 2; i++) t.attempt("carol", "10.1.1.1");
        assertThat(t.blocked("carol", "10.2.2.2")).isEmpty();
        t.attempt("x", "10.1.1.1");
        assertThat(t.blocked("anyone", "10.1.1.1")).isPresent();
    }

    @Test
    void hugeAndHostileNamesCostOneSmallEntry() {
        String huge = "\u0000".repeat(100_000);
        for (int i = 0; i < 3; i++) t.attempt(huge, "10.3.3.3" + i);
        assertThat(t.blocked(huge, "10.4.4.4")).isPresent();
        assertThat(t.blocked(null, null)).isEmpty();
    }

    @Test
    void anAttemptIsCountedBeforeItsPasswordIsChecked() {
        // Three attempts still being checked fill the account's count: the fourth is refused, not checked.
        for (int i = 0; i < 3; i++) assertThat(t.attempt("dora", "10.5.5." + i).refused()).isEmpty();
        assertThat(t.attempt("dora", "10.5.5.9").refused()).isPresent();
        assertThat(t.blocked("dora", "10.6.6.6")).isPresent();
    }

    @Test
    void aSuccessfulAttemptDoesNotCountAgainstItsAddress() {
        for (int i = 0; i < 10; i++) {
            LoginThrottle.Attempt a = t.attempt("erin", "10.7.7.7");
            assertThat(a.refused()).isEmpty();
            a.succeeded();
        }
        assertThat(t.blocked("anyone", "10.7.7.7")).isEmpty();
    }
}
