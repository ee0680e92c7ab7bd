package io.gatehouse.core.copy;

import io.gatehouse.core.model.Platform;

import java.util.List;
import java.util.Objects;

/**
 * How to copy.
 *
 * @param platforms      empty: every platform of an index, byte for byte (same digest). Otherwise only the listed
 *                       platforms, which makes a new index with a new digest (see {@link CopyEngine})
 * @param copyReferrers  also copy what refers to the copied manifests (signatures, SBOMs, reports)
 * @param parallelism    blob transfers at the same time
 * @param chunkThreshold blobs at least this big are uploaded in chunks
 * @param chunkSize      size of one chunk
 * @param blobAttempts   tries per blob for transient failures (connection errors, 5xx); corrupt content is never retried
 * @param listener       progress callback
 */
public record CopyOptions(List<Platform> platforms, boolean copyReferrers, int parallelism, long chunkThreshold, long chunkSize,
                          int blobAttempts, CopyListener listener) {

    public CopyOptions {
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
        if (chunkSize < 1) throw new IllegalArgumentException("chunkSize must be positive");
        if (blobAttempts < 1) throw new IllegalArgumentException("blobAttempts must be at least 1");
        listener = Objects.requireNonNullElse(listener, CopyListener.NONE);
    }

    public static CopyOptions defaults() {
        return new CopyOptions(List.of(), false, 4, 64L << 20, 16L << 20, 3, CopyListener.NONE);
    }

    public CopyOptions withPlatforms(List<Platform> p) {
        return new CopyOptions(p, copyReferrers, parallelism, chunkThreshold, chunkSize, blobAttempts, listener);
    }

    public CopyOptions withReferrers(boolean r) {
        return new CopyOptions(platforms, r, parallelism, chunkThreshold, chunkSize, blobAttempts, listener);
    }

    public CopyOptions withParallelism(int n) {
        return new CopyOptions(platforms, copyReferrers, n, chunkThreshold, chunkSize, blobAttempts, listener);
    }

    public CopyOptions withChunking(long threshold, long size) {
        return new CopyOptions(platforms, copyReferrers, parallelism, threshold, size, blobAttempts, listener);
    }

    public CopyOptions withListener(CopyListener l) {
        return new CopyOptions(platforms, copyReferrers, parallelism, chunkThreshold, chunkSize, blobAttempts, l);
    }
}
