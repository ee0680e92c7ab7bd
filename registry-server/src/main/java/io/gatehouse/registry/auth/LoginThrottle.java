package io.gatehouse.registry.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Slows down password guessing: after {@code maxPerAccount} failed logins for one account name, or
 * {@code maxPerAddress} from one client address, within {@code window}, further attempts for that account (or
 * from that address) are refused without even checking the password until the window has moved on. A success
 * clears the account's count (not the address's: one good password must not unlock a spraying address).
 *
 * <p>Counts live in memory (per registry process; with several replicas each throttles on its own, which only
 * makes the effective limit replicas × limit). Account keys are hashed, so arbitrarily long or hostile names cost
 * the same small entry.
 */
public final class LoginThrottle {

    private final Clock clock;
    private final int maxPerAccount;
    private final int maxPerAddress;
    private final Duration window;
    private final Cache<String, Deque<Instant>> failures;

    public LoginThrottle(Clock clock, int maxPerAccount, int maxPerAddress, Duration window) {
        this.clock = clock;
        this.maxPerAccount = maxPerAccount;
        this.maxPerAddress = maxPerAddress;
        this.window = window;
        // Expiry is only memory hygiene; decisions use the injected clock.
        this.failures = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(window.plusMinutes(1)).build();
    }

    public static LoginThrottle defaults(Clock clock) {
        return new LoginThrottle(clock, 5, 50, Duration.ofMinutes(5));
    }

    /** How long the caller must wait before trying again, or empty when it may try now. */
    public Optional<Duration> blocked(String account, String address) {
        Instant now = clock.instant();
        Optional<Duration> a = wait(accountKey(account), maxPerAccount, now);
        Optional<Duration> b = wait(addressKey(address), maxPerAddress, now);
        if (a.isPresent() && b.isPresent()) return Optional.of(a.get().compareTo(b.get()) > 0 ? a.get() : b.get());
        return a.isPresent() ? a : b;
    }

    public void failed(String account, String address) {
        Instant now = clock.instant();
        add(accountKey(account), now);
        add(addressKey(address), now);
    }

    public void succeeded(String account) {
        failures.invalidate(accountKey(account));
    }

    private Optional<Duration> wait(String key, int max, Instant now) {
        Deque<Instant> d = failures.getIfPresent(key);
        if (d == null) return Optional.empty();
        synchronized (d) {
            prune(d, now);
            if (d.size() < max) return Optional.empty();
            // Blocked until the oldest failure that keeps the count at the limit leaves the window.
            Instant until = d.peekFirst().plus(window);
            Duration left = Duration.between(now, until);
            return Optional.of(left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
        }
    }

    private void add(String key, Instant now) {
        Deque<Instant> d = failures.get(key, k -> new ArrayDeque<>());
        synchronized (d) {
            prune(d, now);
            d.addLast(now);
            while (d.size() > Math.max(maxPerAccount, maxPerAddress)) d.removeFirst();
        }
    }

    private void prune(Deque<Instant> d, Instant now) {
        Instant from = now.minus(window);
        while (!d.isEmpty() && !d.peekFirst().isAfter(from)) d.removeFirst();
    }

    private static String accountKey(String account) {
        return "u:" + sha256(account == null ? "" : account);
    }

    private static String addressKey(String address) {
        return "a:" + (address == null ? "" : address);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
