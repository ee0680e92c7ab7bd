package io.gatehouse.registry.scan.inventory;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A lean reader of a zip held in memory: walks the central directory comparing names, and opens only the entries
 * asked for. A jar has thousands of entries and we want two or three of them; building a full entry object for each
 * (as general zip libraries do) was most of the cost of scanning Java images. Anything unusual — ZIP64, encryption,
 * offsets out of range — returns null and the caller falls back to a general reader.
 */
final class CentralDirectory {
    private static final int EOCD = 0x06054b50;
    private static final int CEN = 0x02014b50;
    private static final int LOC = 0x04034b50;

    record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset) {
    }

    private CentralDirectory() {
    }

    /** Entries whose name {@code wanted} accepts, in central-directory order; null when this reader cannot tell. */
    static List<Entry> entries(byte[] zip, Predicate<String> wanted, int maxEntries) throws ScanFailedException {
        int eocd = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
            if (le32(zip, i) == EOCD) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            return null;
        }
        int total = le16(zip, eocd + 10);
        long cdSize = le32(zip, eocd + 12) & 0xffffffffL;
        long cdOffset = le32(zip, eocd + 16) & 0xffffffffL;
        if (total == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL || cdOffset + cdSize > eocd) {
            return null; // ZIP64 or inconsistent
        }
        if (total > maxEntries) {
            throw new ScanFailedException("archive has more than " + maxEntries + " entries");
        }
        List<Entry> out = new ArrayList<>();
        int p = (int) cdOffset;
        for (int n = 0; n < total; n++) {
            if (p + 46 > eocd || le32(zip, p) != CEN) {
                return null;
            }
            int flags = le16(zip, p + 8);
            int method = le16(zip, p + 10);
            long csize = le32(zip, p + 20) & 0xffffffffL;
            long size = le32(zip, p + 24) & 0xffffffffL;
            int nameLen = le16(zip, p + 28);
            int extraLen = le16(zip, p + 30);
            int commentLen = le16(zip, p + 32);
            long local = le32(zip, p + 42) & 0xffffffffL;
            if (p + 46 + nameLen > eocd) {
                return null;
            }
            String name = new String(zip, p + 46, nameLen,
                    (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            if (wanted.test(name)) {
                if ((flags & 1) != 0 || csize == 0xffffffffL || size == 0xffffffffL || local == 0xffffffffL) {
                    return null; // encrypted or ZIP64 entry
                }
                out.add(new Entry(name, method, csize, size, local));
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    /** The entry's uncompressed content as a stream over the buffer; null when it cannot be read here. */
    static InputStream open(byte[] zip, Entry e) {
        long loc = e.localHeaderOffset();
        if (loc + 30 > zip.length || le32(zip, (int) loc) != LOC) {
            return null;
        }
        long start = loc + 30 + le16(zip, (int) loc + 26) + le16(zip, (int) loc + 28);
        if (start + e.compressedSize() > zip.length) {
            return null;
        }
        InputStream raw = new ByteArrayInputStream(zip, (int) start, (int) e.compressedSize());
        return switch (e.method()) {
            case 0 -> raw;
            case 8 -> new InflaterInputStream(raw, new Inflater(true), 8192) {
                @Override
                public void close() throws java.io.IOException {
                    super.close();
                    inf.end(); // release native memory now, not at GC
                }
            };
            default -> null;
        };
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static int le32(byte[] b, int i) {
        if (i < 0 || i + 4 > b.length) {
            return 0;
        }
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
