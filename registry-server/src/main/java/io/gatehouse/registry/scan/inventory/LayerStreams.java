package io.gatehouse.registry.scan.inventory;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a layer blob as a tar stream, whatever its compression. The media type is not trusted: Docker's "tar.gzip"
 * media types are used for uncompressed and zstd layers in the wild, so the first bytes decide (gzip 1f 8b, zstd
 * 28 b5 2f fd, anything else is read as a plain tar).
 */
public final class LayerStreams {
    private LayerStreams() {
    }

    public enum Compression { GZIP, ZSTD, NONE }

    static final int BUFFER = 1 << 16;

    public static Compression sniff(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    /** The decompressed tar stream of {@code raw}; closing it closes {@code raw}. */
    public static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        return switch (sniff(in)) {
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
            case NONE -> in;
        };
    }
}
