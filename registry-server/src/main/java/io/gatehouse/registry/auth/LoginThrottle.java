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
 * <p>An attempt takes its place in both counts <em>before</em> the password is checked ({@link #attempt}), in one
 * step with the check of the limit, and gives it back only when the password turns out right. Checking the limit
 * first and counting the failure after the (deliberately slow) hash let any number of parallel guesses through:
 * each saw the count still under the limit.
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
    private final Cache<String, Deque<Slot>> failures;

    /** One attempt in a count: a failure, or an attempt whose password is being checked. */
    private static final class Slot {
        final Instant at;

        Slot(Instant at) {
            this.at = at;
        }
    }

    /**
     * The outcome of {@link #attempt}: either refused (wait that long) or admitted, holding a place in the counts
     * that stays there as a failure unless {@link #succeeded()} gives it back.
     */
    public final class Attempt {
        private final Duration refusedFor;
        private final String account;
        private final String address;
        private final Slot slot;

        private Attempt(Duration refusedFor, String account, String address, Slot slot) {
            this.refusedFor = refusedFor;
            this.account = account;
            this.address = address;
            this.slot = slot;
        }

        /** How long the caller must wait, or empty when the attempt may go ahead. */
        public Optional<Duration> refused() {
            return Optional.ofNullable(refusedFor);
        }

        /** The password was right: clears the account's count and takes this attempt out of the address's. */
        public void succeeded() {
            if (slot == null) return;
            failures.invalidate(accountKey(account));
            Deque<Slot> d = failures.getIfPresent(addressKey(address));
            if (d != null) {
                synchronized (LoginThrottle.this) {
                    d.remove(slot);
                }
            }
        }
    }

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

    /**
     * Asks to check a password for {@code account} from {@code address}: refused when either count is at its limit,
     * else admitted and counted (as a failure until {@link Attempt#succeeded()}). Check and count are one step, so
     * parallel attempts cannot all slip under the limit.
     */
    public Attempt attempt(String account, String address) {
        Instant now = clock.instant();
        Deque<Slot> byAccount = failures.get(accountKey(account), k -> new ArrayDeque<>());
        Deque<Slot> byAddress = failures.get(addressKey(address), k -> new ArrayDeque<>());
        // One lock for both counts: the work under it is a few deque operations, nothing next to a password hash.
        synchronized (this) {
            Optional<Duration> wait = longer(wait(byAccount, maxPerAccount, now), wait(byAddress, maxPerAddress, now));
            if (wait.isPresent()) return new Attempt(wait.get(), account, address, null);
            Slot slot = new Slot(now);
            byAccount.addLast(slot);
            byAddress.addLast(slot);
            return new Attempt(null, account, address, slot);
        }
    }

    /** How long the caller must wait before trying again, or empty when it may try now (counts nothing). */
    public Optional<Duration> blocked(String account, String address) {
        Instant now = clock.instant();
        Deque<Slot> byAccount = failures.getIfPresent(accountKey(account));
        Deque<Slot> byAddress = failures.getIfPresent(addressKey(address));
        synchronized (this) {
            return longer(byAccount == null ? Optional.empty() : wait(byAccount, maxPerAccount, now),
                    byAddress == null ? Optional.empty() : wait(byAddress, maxPerAddress, now));
        }
    }

    private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
        if (a.isPresent() && b.isPresent()) return Optional.of(a.get().compareTo(b.get()) > 0 ? a.get() : b.get());
        return a.isPresent() ? a : b;
    }

    private Optional<Duration> wait(Deque<Slot> d, int max, Instant now) {
        prune(d, now);
        if (d.size() < max) return Optional.empty();
        // Blocked until the oldest attempt that keeps the count at the limit leaves the window.
        Instant until = d.peekFirst().at.plus(window);
        Duration left = Duration.between(now, until);
        return Optional.of(left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
    }

    private void prune(Deque<Slot> d, Instant now) {
        Instant from = now.minus(window);
        while (!d.isEmpty() && !d.peekFirst().at.isAfter(from)) d.removeFirst();
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
