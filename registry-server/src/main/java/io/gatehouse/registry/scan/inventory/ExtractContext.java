package io.gatehouse.registry.scan.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** What an extractor may use: the limits, the layer being read, and a bounded reader for small metadata files. */
public final class ExtractContext {
    private final ScanLimits limits;
    private final String layerDigest;
    private long archiveBytes;
    private long entrySize = -1;

    public ExtractContext(ScanLimits limits, String layerDigest) {
        this.limits = limits;
        this.layerDigest = layerDigest;
    }

    /** Size of the tar entry being extracted, as its header says (-1 when unknown): lets readers allocate once. */
    public long entrySize() {
        return entrySize;
    }

    void entrySize(long size) {
        this.entrySize = size;
    }

    public ScanLimits limits() {
        return limits;
    }

    public String layerDigest() {
        return layerDigest;
    }

    /** Reads a whole small file as UTF-8, failing the scan if it is larger than {@link ScanLimits#maxFileBytes}. */
    public String readText(String path, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(limits.maxFileBytes() + 1);
        if (bytes.length > limits.maxFileBytes()) {
            throw new ScanFailedException(path + " is larger than the limit of " + limits.maxFileBytes()
                    + " bytes for a metadata file");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Accounts bytes decompressed from inside archives (zip bombs in jars), failing past the layer's budget. */
    void addArchiveBytes(long n, String where) throws ScanFailedException {
        archiveBytes += n;
        if (archiveBytes > limits.maxArchiveBytes()) {
            throw new ScanFailedException("archives in layer " + layerDigest + " decompress to more than "
                    + limits.maxArchiveBytes() + " bytes (at " + where + ")");
        }
    }
}
