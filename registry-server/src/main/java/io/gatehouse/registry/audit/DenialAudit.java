package io.gatehouse.registry.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.gatehouse.registry.auth.Principal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records refusals of authenticated callers ({@link AuditEvent#ACCESS_DENIED}, outcome DENIED) without letting a
 * caller who repeats a refused request flood the audit store:
 * <ul>
 * <li>per (actor, action, target, status) the first refusal of a window is written at once; the repeats in that
 *     window are only counted, and one summary event with their number is written when the window closes (on the
 *     next refusal of the same kind, or by the cache's scheduler shortly after), or when the entry is evicted;</li>
 * <li>across all keys at most {@code maxPerSecond} events are written per second; beyond that refusals are only
 *     counted ({@link #unaudited()}, exported as a metric), so an attacker rotating targets cannot either.</li>
 * </ul>
 * Writing a denial never fails the refusal it records: when the audit store is down the loss is counted and logged.
 */
public final class DenialAudit {

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_PER_SECOND = 20;
    private static final int MAX_OPEN_WINDOWS = 10_000;

    private record Key(String actor, String actorKind, String action, String target, int status) {
    }

    /** One open window of a key: when it opened, the repeats since and where the last came from. */
    private static final class Window {
        final Instant opened;
        final AtomicLong repeats = new AtomicLong();
        volatile Instant last;
        volatile String lastAddress;

        Window(Instant opened, String address) {
            this.opened = opened;
            this.last = opened;
            this.lastAddress = address;
        }
    }

    private final AuditLog log;
    private final Clock clock;
    private final int maxPerSecond;
    private final Cache<Key, Window> open;
    private final LongAdder denied = new LongAdder();
    private final LongAdder unaudited = new LongAdder();
    private long second = Long.MIN_VALUE;
    private int writtenThisSecond;

    public DenialAudit(AuditLog log, Clock clock, Duration window, int maxPerSecond) {
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
        if (maxPerSecond < 1) throw new IllegalArgumentException("maxPerSecond must be at least 1");
        this.log = log;
        this.clock = clock;
        this.maxPerSecond = maxPerSecond;
        long windowNanos = window.toNanos();
        this.open = Caffeine.newBuilder()
                .maximumSize(MAX_OPEN_WINDOWS)
                .ticker(() -> clock.millis() * 1_000_000L)
                // a window lasts from its first refusal, however many repeats it counts
                .expireAfter(new Expiry<Key, Window>() {
                    public long expireAfterCreate(Key k, Window w, long now) {
                        return windowNanos;
                    }

                    public long expireAfterUpdate(Key k, Window w, long now, long remaining) {
                        return remaining;
                    }

                    public long expireAfterRead(Key k, Window w, long now, long remaining) {
                        return remaining;
                    }
                })
                .scheduler(Scheduler.systemScheduler())
                .executor(Runnable::run)
                .removalListener((Key k, Window w, RemovalCause cause) -> {
                    if (k != null && w != null && cause != RemovalCause.REPLACED) summarize(k, w);
                })
                .build();
    }

    /**
     * A refusal of {@code actor}. Anonymous callers are not recorded: their 401 is the challenge every client meets
     * first (docker login starts with one).
     */
    public void denied(Principal actor, String target, String address, int status, String reason) {
        if (actor == null || actor.isAnonymous()) return;
        denied.increment();
        Key key = new Key(actor.name(), actor.kind().name().toLowerCase(Locale.ROOT), AuditEvent.ACCESS_DENIED, target, status);
        Instant now = clock.instant();
        boolean[] first = {false};
        open.asMap().compute(key, (k, w) -> {
            if (w == null) {
                first[0] = true;
                return new Window(now, address);
            }
            w.repeats.incrementAndGet();
            w.last = now;
            w.lastAddress = address;
            return w;
        });
        if (first[0]) write(key, address, status + " " + reason);
    }

    /** Writes the summaries of windows that have closed (the scheduler does this too; tests call it). */
    public void flush() {
        open.cleanUp();
    }

    /** Closes every window now, writing their summaries (at shutdown). */
    public void closeAll() {
        open.invalidateAll();
        open.cleanUp();
    }

    /** Refusals of authenticated callers seen. */
    public long denied() {
        return denied.sum();
    }

    /** Refusals (or summaries of repeats) not written because of the per-second cap or a failing audit store. */
    public long unaudited() {
        return unaudited.sum();
    }

    private void summarize(Key k, Window w) {
        long n = w.repeats.get();
        if (n == 0) return;
        write(k, w.lastAddress, k.status() + ": repeated " + n + " more times between " + w.opened + " and " + w.last);
    }

    private void write(Key k, String address, String detail) {
        if (!admit()) {
            unaudited.increment();
            return;
        }
        try {
            log.record(new AuditEvent(0, clock.instant(), k.actor(), k.actorKind(), k.action(), k.target(), address,
                    AuditEvent.Outcome.DENIED, detail));
        } catch (AuditUnavailableException e) {
            unaudited.increment(); // logged by the audit log; the refusal stands either way
        }
    }

    private synchronized boolean admit() {
        long s = clock.millis() / 1000;
        if (s != second) {
            second = s;
            writtenThisSecond = 0;
        }
        return ++writtenThisSecond <= maxPerSecond;
    }
}
