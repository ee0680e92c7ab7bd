package io.gatehouse.registry.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Gets an upload's bytes onto the disk while the upload is still arriving. Commit must fsync a blob before it
 * renames it into place; done only then, a 1 GiB push waits for a whole gigabyte of writeback after its last byte
 * arrived. Flushing what has been written so far, on a background thread every few tens of megabytes, overlaps that
 * writeback with receiving and hashing, so commit's fsync finds only the tail left. Each flush is an fdatasync
 * through a read-only descriptor of its own, so it never races the writer's channel; a file renamed or deleted in
 * the meantime is simply skipped.
 */
final class WriteBehind {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    /** Two flushers at most; they end after 30 idle seconds, so a registry at rest (or a test's) keeps no threads. */
    private final ExecutorService flushers = idleEnding(2, r -> {
        Thread t = new Thread(r, "blob-write-behind");
        t.setDaemon(true);
        return t;
    });

    private static ExecutorService idleEnding(int threads, ThreadFactory factory) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
    /** Files with a flush queued and not yet started: one is enough, it covers every page dirty when it starts. */
    private final Set<Path> pending = ConcurrentHashMap.newKeySet();

    /** Starts writing {@code file}'s dirty pages back, unless a flush of it is already under way. */
    void flushSoon(Path file) {
        if (!pending.add(file)) return;
        try {
            flushers.execute(() -> {
                pending.remove(file);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ch.force(false);
                } catch (NoSuchFileException gone) {
                    // committed or cancelled before its turn: commit did its own fsync
                } catch (IOException e) {
                    LOG.debug("write-behind of {} failed (commit's fsync still runs): {}", file, e.toString());
                }
            });
        } catch (RuntimeException rejected) {
            pending.remove(file);
        }
    }
}
