package io.gatehouse.registry.scan.inventory;

/**
 * Bounds on what one scan may read, so a hostile image (a gzip bomb, millions of entries, a zip nested in a zip
 * nested in a zip) ends in a failed scan with a reason instead of an exhausted registry.
 *
 * @param maxLayerBytes    decompressed bytes of one layer's tar stream
 * @param maxImageBytes    decompressed bytes of all layers of an image together
 * @param maxEntries       tar entries in one layer
 * @param maxFileBytes     size of one metadata file read into memory (dpkg status, package.json, METADATA…)
 * @param maxArchiveDepth  nesting of archives inside archives (a jar in a war is depth 2)
 * @param maxArchiveEntries entries in one Java archive
 * @param maxArchiveBytes  decompressed bytes read from inside Java archives, per layer
 * @param maxCompressionRatio decompressed bytes of a layer per compressed byte, checked once a layer has
 *                         decompressed past {@link #RATIO_FLOOR}: a bomb fails after reading a few MiB of its blob
 *                         instead of after burning CPU up to {@code maxLayerBytes}. The size of a tar header,
 *                         PAX header or GNU long name, which the tar reader holds in memory, is bounded by
 *                         {@code maxFileBytes} like any metadata file.
 */
public record ScanLimits(long maxLayerBytes, long maxImageBytes, long maxEntries, int maxFileBytes,
                         int maxArchiveDepth, int maxArchiveEntries, long maxArchiveBytes, int maxCompressionRatio) {

    public static final long GIB = 1L << 30;
    /** Layers smaller than this decompressed are never judged by their ratio: small text layers compress well. */
    public static final long RATIO_FLOOR = 64L << 20;

    /**
     * Generous for real images (the biggest public images have layers of a few GiB; gzip rarely exceeds 10:1 on
     * them), fatal for bombs (zeros compress 1000:1 with gzip, far more with zstd).
     */
    public static ScanLimits defaults() {
        return new ScanLimits(16 * GIB, 64 * GIB, 2_000_000, 64 << 20, 4, 200_000, 8 * GIB, 250);
    }

    public ScanLimits withMaxLayerBytes(long v) {
        return new ScanLimits(v, maxImageBytes, maxEntries, maxFileBytes, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes, maxCompressionRatio);
    }

    public ScanLimits withMaxEntries(long v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, v, maxFileBytes, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes, maxCompressionRatio);
    }

    public ScanLimits withMaxArchiveDepth(int v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, maxEntries, maxFileBytes, v, maxArchiveEntries,
                maxArchiveBytes, maxCompressionRatio);
    }

    public ScanLimits withMaxFileBytes(int v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, maxEntries, v, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes, maxCompressionRatio);
    }

    public ScanLimits withMaxCompressionRatio(int v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, maxEntries, maxFileBytes, maxArchiveDepth,
                maxArchiveEntries, maxArchiveBytes, v);
    }
}
