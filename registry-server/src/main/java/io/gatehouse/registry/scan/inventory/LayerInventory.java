package io.gatehouse.registry.scan.inventory;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.ZipException;

/**
 * Reads one layer's tar stream once, front to back, and reports what it adds (packages per path), what it deletes
 * (whiteouts {@code .wh.<name>} and opaque directories {@code .wh..wh..opq}) and which already-known paths it
 * replaces. File contents are read straight from the stream; nothing is extracted to disk, so {@code ..} paths,
 * absolute paths and symlinks cannot write anywhere: paths are normalised, those escaping the root are ignored,
 * and links are never followed (a link only shadows what a lower layer had at its path).
 */
public final class LayerInventory {

    public static final String WHITEOUT_PREFIX = ".wh.";
    public static final String OPAQUE = ".wh..wh..opq";

    /** What one layer contributes; see class comment. */
    public record Result(Map<String, Extracted> found, Set<String> deleted, Set<String> opaqueDirs,
                         Set<String> replaced, long decompressedBytes, long entries) {
    }

    private final List<Extractor> extractors;
    private final ScanLimits limits;

    public LayerInventory(List<Extractor> extractors, ScanLimits limits) {
        this.extractors = List.copyOf(extractors);
        this.limits = limits;
    }

    public static List<Extractor> defaultExtractors() {
        return List.of(new DpkgExtractor(), new ApkExtractor(), new OsReleaseExtractor(), new JavaArchiveExtractor(),
                new NpmExtractor(), new PythonExtractor());
    }

    /**
     * @param blob        the layer blob as stored (gzip, zstd or plain tar); closed by the caller
     * @param layerDigest recorded on every package found
     * @param known       paths lower layers produced packages from, so this layer can report replacing them
     */
    public Result scan(InputStream blob, String layerDigest, Predicate<String> known) throws ScanFailedException {
        Map<String, Extracted> found = new HashMap<>();
        Set<String> deleted = new HashSet<>();
        Set<String> opaque = new HashSet<>();
        Set<String> replaced = new HashSet<>();
        LimitedInputStream counted = null;
        long entries = 0;
        String current = null;
        try {
            LimitedInputStream compressed = new LimitedInputStream(blob, Long.MAX_VALUE, "layer " + layerDigest);
            counted = new LimitedInputStream(LayerStreams.decompress(compressed), limits.maxLayerBytes(),
                    "layer " + layerDigest + " (decompressed)");
            counted.limitRatio(compressed, limits.maxCompressionRatio(), ScanLimits.RATIO_FLOOR);
            // the tar reader asks for small pieces (headers, 4 KiB skips): serve them from a large buffer so the
            // inflater is always called with big reads
            TarArchiveInputStream tar = new TarArchiveInputStream(
                    new java.io.BufferedInputStream(counted, LayerStreams.BUFFER));
            ExtractContext ctx = new ExtractContext(limits, layerDigest);
            TarArchiveEntry e;
            while ((e = nextEntry(tar, counted, layerDigest, current)) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new ScanFailedException("layer " + layerDigest + " has more than " + limits.maxEntries()
                            + " entries");
                }
                if (e.isSparse()) {
                    // the tar reader makes up a sparse file's holes as zeros, above the decompressed stream: a
                    // 2 KiB layer can announce a hole of 2^63 bytes, and skipping it would run for days. Its holes
                    // count as decompressed bytes (they are the content a runtime would write), against the same
                    // size and ratio limits, before anything is read.
                    counted.expand(Math.max(0, e.getRealSize() - e.getSize()));
                }
                if (e.isDirectory()) {
                    continue;
                }
                String path = normalize(e.getName());
                if (path == null) {
                    continue; // escapes the root (../../etc/passwd) or is the root itself: nothing of the image
                }
                current = path;
                int slash = path.lastIndexOf('/');
                String base = path.substring(slash + 1);
                if (base.startsWith(WHITEOUT_PREFIX)) {
                    String dir = slash < 0 ? "" : path.substring(0, slash);
                    String target = base.substring(WHITEOUT_PREFIX.length());
                    if (base.equals(OPAQUE)) {
                        opaque.add(dir);
                    } else if (!target.isEmpty() && !target.equals(".") && !target.equals("..")) {
                        // ".wh.." or ".wh..." would name the directory itself or its parent, which no runtime
                        // deletes through a whiteout: ignored like any other path that is not in the image
                        deleted.add((dir.isEmpty() ? "" : dir + "/") + target);
                    }
                    continue;
                }
                if (known.test(path)) {
                    replaced.add(path);
                }
                if (!e.isFile() || e.isLink() || e.isSymbolicLink()) {
                    continue;
                }
                for (Extractor x : extractors) {
                    if (x.wants(path)) {
                        ctx.entrySize(e.getSize());
                        Extracted r = x.extract(path, tar, ctx);
                        if (r != null && (!r.packages().isEmpty() || r.os() != null)) {
                            found.put(path, r);
                        }
                        break;
                    }
                }
            }
            // drain: a valid layer ends with zero blocks; reading them also detects a truncated compressed stream
            counted.transferTo(OutputNull.INSTANCE);
            return new Result(found, deleted, opaque, replaced, counted.count(), entries);
        } catch (ScanFailedException sfe) {
            throw sfe;
        } catch (EOFException eof) {
            throw new ScanFailedException("layer " + layerDigest + " is truncated (unexpected end of stream"
                    + (current != null ? " after " + current : "") + ")", eof);
        } catch (ZipException z) {
            throw new ScanFailedException("layer " + layerDigest + " is not a valid compressed stream: "
                    + z.getMessage(), z);
        } catch (IOException | RuntimeException io) {
            throw new ScanFailedException("layer " + layerDigest + " cannot be read as a tar archive: "
                    + io.getMessage(), io);
        }
    }

    /**
     * The next entry, with the bytes the tar reader reads for it bounded: a PAX header or GNU long name is held in
     * memory whole, so one announcing gigabytes (cheap to send gzip-compressed) would exhaust the heap. The rest of
     * the current entry is skipped first so that only headers count.
     */
    private TarArchiveEntry nextEntry(TarArchiveInputStream tar, LimitedInputStream counted, String layerDigest,
                                      String previous) throws IOException {
        if (tar.getCurrentEntry() != null) {
            while (tar.skip(Long.MAX_VALUE) > 0) {
                // skip() stops at the end of the current entry
            }
        }
        counted.window(limits.maxFileBytes() + (long) LayerStreams.BUFFER, "a tar header in layer " + layerDigest
                + (previous != null ? " after " + previous : "") + " (PAX header or long name) is larger than the limit of "
                + limits.maxFileBytes() + " bytes for metadata");
        try {
            return tar.getNextEntry();
        } finally {
            counted.closeWindow();
        }
    }

    /**
     * {@code ./usr//lib/../lib/x} → {@code usr/lib/x}; null for the root and for paths that climb above it. Absolute
     * paths are read relative to the image root, as container runtimes do.
     */
    static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        boolean simple = name.indexOf("..") < 0 && name.indexOf("//") < 0 && name.indexOf("/./") < 0
                && !name.startsWith("/") && !name.startsWith("./") && !name.endsWith("/.");
        if (simple) {
            String p = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            return p.isEmpty() || p.equals(".") ? null : p;
        }
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    private static final class OutputNull extends java.io.OutputStream {
        static final OutputNull INSTANCE = new OutputNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
