package io.gatehouse.core.copy;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The per-tag checks of one mirror plan (HEAD requests), at most {@code limit} at a time on a shared executor. Tags can
 * be added while checks run, and each tag is checked once however often it is added: the plan starts with the tags
 * the target already has, before the upstream's tag list arrives, then adds the selected ones.
 */
final class TagChecks<R> {
    private final Function<String, R> check;
    private final Executor executor;
    private final int limit;
    private final Map<String, CompletableFuture<R>> results = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger workers = new AtomicInteger();
    private volatile boolean cancelled;

    TagChecks(Function<String, R> check, Executor executor, int limit) {
        this.check = check;
        this.executor = executor;
        this.limit = Math.max(1, limit);
    }

    /** Schedules {@code tag} unless it already is. */
    void add(String tag) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (results.putIfAbsent(tag, f) != null) return;
        if (cancelled) {
            f.completeExceptionally(new CancellationException("plan ended"));
            return;
        }
        queue.add(tag);
        startWorker();
    }

    /** The check's result; rethrows its runtime exception. The tag must have been added. */
    R await(String tag) {
        CompletableFuture<R> f = results.get(tag);
        if (f == null) throw new IllegalStateException("tag " + tag + " was never added");
        return Mirror.await(f);
    }

    /** Checks not started yet are dropped (a failed plan, or speculative checks of tags the plan did not select). */
    void cancel() {
        cancelled = true;
        for (String t; (t = queue.poll()) != null; ) results.get(t).completeExceptionally(new CancellationException("plan ended"));
    }

    private void startWorker() {
        while (true) {
            int n = workers.get();
            if (n >= limit || queue.isEmpty()) return;
            if (workers.compareAndSet(n, n + 1)) {
                executor.execute(this::work);
                return;
            }
        }
    }

    private void work() {
        try {
            for (String t; !cancelled && (t = queue.poll()) != null; ) {
                CompletableFuture<R> f = results.get(t);
                try {
                    f.complete(check.apply(t));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }
        } finally {
            workers.decrementAndGet();
        }
        // a tag added between this worker's last poll and its exit would otherwise wait for no one
        if (!cancelled) startWorker();
    }
}
