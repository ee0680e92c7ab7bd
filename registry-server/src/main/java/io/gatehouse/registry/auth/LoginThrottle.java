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
import java.util.UUID;

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
 * <p>Counts live in memory for a single node, or in the database ({@link DatabaseCounts}, table {@code
 * login_attempts}) when replicas share one: a guesser spreading attempts over the replicas behind a load balancer
 * meets the same limit as against one. Account keys are hashed, so arbitrarily long or hostile names cost the same
 * small entry.
 */
public final class LoginThrottle {

    /**
     * Where the counts live. Each call is one atomic step against every other caller (of every replica sharing the
     * store): check both limits and, when neither is reached, count the attempt under both keys.
     */
    public interface Counts {
        /**
         * Drops what left the window, then either returns when the caller may try again (a key at its limit: the
         * oldest attempt keeping it there plus the window; the later of the two keys) or records {@code slot} under
         * both keys at {@code now} and returns empty.
         */
        Optional<Instant> admit(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress, String slot,
                                Instant now, Duration window);

        /** As {@link #admit} without recording anything. */
        Optional<Instant> blockedUntil(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress,
                                       Instant now, Duration window);

        /** A right password: the account's count is cleared, the slot leaves the address's count. */
        void succeeded(String accountKey, String addressKey, String slot);
    }

    private final Clock clock;
    private final int maxPerAccount;
    private final int maxPerAddress;
    private final Duration window;
    private final Counts counts;

    /**
     * The outcome of {@link #attempt}: either refused (wait that long) or admitted, holding a place in the counts
     * that stays there as a failure unless {@link #succeeded()} gives it back.
     */
    public final class Attempt {
        private final Duration refusedFor;
        private final String account;
        private final String address;
        private final String slot;

        private Attempt(Duration refusedFor, String account, String address, String slot) {
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
            counts.succeeded(accountKey(account), addressKey(address), slot);
        }
    }

    /** Counts in this process's memory (a single node). */
    public LoginThrottle(Clock clock, int maxPerAccount, int maxPerAddress, Duration window) {
        this(new MemoryCounts(window), clock, maxPerAccount, maxPerAddress, window);
    }

    public LoginThrottle(Counts counts, Clock clock, int maxPerAccount, int maxPerAddress, Duration window) {
        this.counts = counts;
        this.clock = clock;
        this.maxPerAccount = maxPerAccount;
        this.maxPerAddress = maxPerAddress;
        this.window = window;
    }

    public static LoginThrottle defaults(Clock clock) {
        return new LoginThrottle(clock, 5, 50, Duration.ofMinutes(5));
    }

    /** The default limits with counts shared through the database (replicas). */
    public static LoginThrottle defaults(Counts counts, Clock clock) {
        return new LoginThrottle(counts, clock, 5, 50, Duration.ofMinutes(5));
    }

    /**
     * Asks to check a password for {@code account} from {@code address}: refused when either count is at its limit,
     * else admitted and counted (as a failure until {@link Attempt#succeeded()}). Check and count are one step, so
     * parallel attempts cannot all slip under the limit.
     */
    public Attempt attempt(String account, String address) {
        Instant now = clock.instant();
        String slot = UUID.randomUUID().toString();
        Optional<Instant> until = counts.admit(accountKey(account), maxPerAccount, addressKey(address), maxPerAddress, slot, now, window);
        if (until.isPresent()) return new Attempt(waitUntil(now, until.get()), account, address, null);
        return new Attempt(null, account, address, slot);
    }

    /** How long the caller must wait before trying again, or empty when it may try now (counts nothing). */
    public Optional<Duration> blocked(String account, String address) {
        Instant now = clock.instant();
        return counts.blockedUntil(accountKey(account), maxPerAccount, addressKey(address), maxPerAddress, now, window)
                .map(until -> waitUntil(now, until));
    }

    private static Duration waitUntil(Instant now, Instant until) {
        Duration left = Duration.between(now, until);
        return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
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

    /** The counts of one process: a deque of attempt times per key. */
    public static final class MemoryCounts implements Counts {
        private final Cache<String, Deque<Slot>> failures;

        private record Slot(String id, Instant at) {
        }

        public MemoryCounts(Duration window) {
            // Expiry is only memory hygiene; decisions use the injected clock.
            this.failures = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(window.plusMinutes(1)).build();
        }

        @Override
        public Optional<Instant> admit(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress, String slot,
                                       Instant now, Duration window) {
            Deque<Slot> byAccount = failures.get(accountKey, k -> new ArrayDeque<>());
            Deque<Slot> byAddress = failures.get(addressKey, k -> new ArrayDeque<>());
            // One lock for both counts: the work under it is a few deque operations, nothing next to a password hash.
            synchronized (this) {
                Optional<Instant> until = later(until(byAccount, maxPerAccount, now, window), until(byAddress, maxPerAddress, now, window));
                if (until.isPresent()) return until;
                Slot s = new Slot(slot, now);
                byAccount.addLast(s);
                byAddress.addLast(s);
                return Optional.empty();
            }
        }

        @Override
        public Optional<Instant> blockedUntil(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress,
                                              Instant now, Duration window) {
            Deque<Slot> byAccount = failures.getIfPresent(accountKey);
            Deque<Slot> byAddress = failures.getIfPresent(addressKey);
            synchronized (this) {
                return later(byAccount == null ? Optional.empty() : until(byAccount, maxPerAccount, now, window),
                        byAddress == null ? Optional.empty() : until(byAddress, maxPerAddress, now, window));
            }
        }

        @Override
        public void succeeded(String accountKey, String addressKey, String slot) {
            failures.invalidate(accountKey);
            Deque<Slot> d = failures.getIfPresent(addressKey);
            if (d != null) {
                synchronized (this) {
                    d.removeIf(s -> s.id().equals(slot));
                }
            }
        }

        private static Optional<Instant> until(Deque<Slot> d, int max, Instant now, Duration window) {
            Instant from = now.minus(window);
            while (!d.isEmpty() && !d.peekFirst().at().isAfter(from)) d.removeFirst();
            if (d.size() < max) return Optional.empty();
            // Blocked until the oldest attempt that keeps the count at the limit leaves the window.
            return Optional.of(d.peekFirst().at().plus(window));
        }
    }

    static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isPresent() && b.isPresent()) return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
        return a.isPresent() ? a : b;
    }
}
