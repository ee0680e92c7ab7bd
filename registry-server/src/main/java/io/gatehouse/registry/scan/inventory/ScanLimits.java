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
 */
public record ScanLimits(long maxLayerBytes, long maxImageBytes, long maxEntries, int maxFileBytes,
                         int maxArchiveDepth, int maxArchiveEntries, long maxArchiveBytes) {

    public static final long GIB = 1L << 30;

    /** Generous for real images (the biggest public images have layers of a few GiB), fatal for bombs. */
    public static ScanLimits defaults() {
        return new ScanLimits(16 * GIB, 64 * GIB, 2_000_000, 64 << 20, 4, 200_000, 8 * GIB);
    }

    public ScanLimits withMaxLayerBytes(long v) {
        return new ScanLimits(v, maxImageBytes, maxEntries, maxFileBytes, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes);
    }

    public ScanLimits withMaxEntries(long v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, v, maxFileBytes, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes);
    }

    public ScanLimits withMaxArchiveDepth(int v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, maxEntries, maxFileBytes, v, maxArchiveEntries,
                maxArchiveBytes);
    }

    public ScanLimits withMaxFileBytes(int v) {
        return new ScanLimits(maxLayerBytes, maxImageBytes, maxEntries, v, maxArchiveDepth, maxArchiveEntries,
                maxArchiveBytes);
    }
}
