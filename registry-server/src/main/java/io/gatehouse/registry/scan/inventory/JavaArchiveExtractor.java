package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.Package;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Java archives (jar, war, ear, Jenkins' hpi/jpi), read as a stream straight from the tar entry, nested archives
 * (Spring Boot's BOOT-INF/lib, WEB-INF/lib) recursively, up to {@link ScanLimits#maxArchiveDepth}. Nothing is
 * written to disk: archives are held in memory (bounded) or streamed.
 *
 * <p>Identity: every {@code META-INF/maven/<group>/<artifact>/pom.properties} is a package (a shaded jar contains
 * the code, and the vulnerabilities, of each); without any, {@code MANIFEST.MF} (Implementation-/Bundle- headers),
 * then the file name ({@code name-1.2.3.jar}).
 */
public final class JavaArchiveExtractor implements Extractor {
    private static final Pattern FILE_NAME = Pattern.compile("^(.+?)-(\\d[^/]*)$");

    @Override
    public boolean wants(String path) {
        return isArchive(path);
    }

    static boolean isArchive(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || name.length() - dot > 4) {
            return false;
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return ext.equals("jar") || ext.equals("war") || ext.equals("ear") || ext.equals("hpi") || ext.equals("jpi");
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        List<Package> out = new ArrayList<>();
        scan(path, content, ctx, 1, out, ctx.entrySize());
        return Extracted.of(out);
    }

    /**
     * Archives up to this size are read into memory and opened through their central directory, so only the
     * entries that matter (pom.properties, the manifest, nested archives) are decompressed: a streamed zip can
     * only be skipped through by inflating every entry, which made jars the slowest part of a scan. Bigger
     * archives (rare: fat jars of hundreds of MiB) are streamed.
     */
    static final int IN_MEMORY_ARCHIVE = 32 << 20;

    private void scan(String location, InputStream in, ExtractContext ctx, int depth, List<Package> out,
                      long knownSize) throws IOException {
        if (depth > ctx.limits().maxArchiveDepth()) {
            throw new ScanFailedException("archive " + location + " is nested deeper than "
                    + ctx.limits().maxArchiveDepth() + " levels");
        }
        byte[] head;
        if (knownSize >= 0 && knownSize <= IN_MEMORY_ARCHIVE) {
            // one allocation of the right size instead of readNBytes' chunk list and final copy
            head = new byte[(int) knownSize];
            int n = in.readNBytes(head, 0, head.length);
            if (n < head.length) {
                head = java.util.Arrays.copyOf(head, n);
            }
        } else {
            head = in.readNBytes(IN_MEMORY_ARCHIVE + 1);
        }
        ctx.addArchiveBytes(head.length, location);
        if (head.length <= IN_MEMORY_ARCHIVE) {
            if (scanCentralDirectory(location, head, ctx, depth, out)) {
                return;
            }
            ZipFile zf;
            try {
                zf = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(head)).get();
            } catch (IOException | RuntimeException noCentralDirectory) {
                // truncated or odd archives: the stream reader still finds whatever entries are intact
                scanStream(location, new ByteArrayInputStream(head), ctx, depth, out);
                return;
            }
            try (zf) {
                scanZipFile(location, zf, ctx, depth, out);
            }
        } else {
            scanStream(location, new SequenceInputStream(new ByteArrayInputStream(head), in), ctx, depth, out);
        }
    }

    /** The fast path (see {@link CentralDirectory}); false when the archive needs the general reader. */
    private boolean scanCentralDirectory(String location, byte[] zip, ExtractContext ctx, int depth,
                                         List<Package> out) throws IOException {
        List<CentralDirectory.Entry> entries;
        try {
            entries = CentralDirectory.entries(zip, JavaArchiveExtractor::interesting,
                    ctx.limits().maxArchiveEntries());
        } catch (ScanFailedException tooMany) {
            throw new ScanFailedException(location + ": " + tooMany.getMessage());
        }
        if (entries == null) {
            return false;
        }
        ArchiveEntries found = new ArchiveEntries(location, ctx, depth, out);
        for (CentralDirectory.Entry e : entries) {
            InputStream es = CentralDirectory.open(zip, e);
            if (es == null) {
                continue;
            }
            try (es) {
                found.read(e.name(), es, e.size());
            } catch (ScanFailedException sfe) {
                throw sfe;
            } catch (IOException | RuntimeException unreadableEntry) {
                // one damaged entry costs only what it would have told us
            }
        }
        found.identify();
        return true;
    }

    private static boolean interesting(String name) {
        return (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties"))
                || name.equalsIgnoreCase("META-INF/MANIFEST.MF") || (!name.endsWith("/") && isArchive(name));
    }

    private void scanZipFile(String location, ZipFile zf, ExtractContext ctx, int depth, List<Package> out)
            throws IOException {
        ArchiveEntries found = new ArchiveEntries(location, ctx, depth, out);
        int entries = 0;
        for (Enumeration<ZipArchiveEntry> en = zf.getEntriesInPhysicalOrder(); en.hasMoreElements(); ) {
            ZipArchiveEntry e = en.nextElement();
            if (++entries > ctx.limits().maxArchiveEntries()) {
                throw new ScanFailedException("archive " + location + " has more than "
                        + ctx.limits().maxArchiveEntries() + " entries");
            }
            if (e.isDirectory() || !interesting(e.getName())) {
                continue;
            }
            try (InputStream es = zf.getInputStream(e)) {
                found.read(e.getName(), es, e.getSize());
            } catch (ScanFailedException sfe) {
                throw sfe;
            } catch (IOException | RuntimeException unreadableEntry) {
                // one damaged entry (bad CRC, unsupported method) costs only what it would have told us
            }
        }
        found.identify();
    }

    /**
     * What one archive's entries say about it, whichever reader walks them: Maven coordinates from its
     * {@code pom.properties}, else its manifest, and the archives nested in it (scanned one level deeper).
     */
    private final class ArchiveEntries {
        private final String location;
        private final ExtractContext ctx;
        private final int depth;
        private final List<Package> out;
        private final List<Package> poms = new ArrayList<>();
        private Manifest manifest;

        ArchiveEntries(String location, ExtractContext ctx, int depth, List<Package> out) {
            this.location = location;
            this.ctx = ctx;
            this.depth = depth;
            this.out = out;
        }

        /** Reads one entry; names {@link #interesting} does not accept are ignored. */
        void read(String name, InputStream es, long size) throws IOException {
            String where = location + "!/" + name;
            if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                Package p = fromPomProperties(ctx.readText(where, es), ctx, location);
                if (p != null) {
                    poms.add(p);
                }
            } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                manifest = manifest(ctx.readText(where, es));
            } else if (isArchive(name)) {
                scan(where, es, ctx, depth + 1, out, size);
            }
        }

        boolean foundNothing() {
            return poms.isEmpty() && manifest == null;
        }

        void identify() {
            JavaArchiveExtractor.this.identify(location, poms, manifest, ctx, out);
        }
    }

    private static Manifest manifest(String text) {
        try {
            return new Manifest(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable manifest only costs us one identity hint
        }
    }

    private void identify(String location, List<Package> poms, Manifest manifest, ExtractContext ctx,
                          List<Package> out) {
        if (!poms.isEmpty()) {
            out.addAll(poms);
            return;
        }
        Package p = fromManifestOrName(manifest, ctx, location);
        if (p != null) {
            out.add(p);
        }
    }

    private void scanStream(String location, InputStream in, ExtractContext ctx, int depth, List<Package> out)
            throws IOException {
        ArchiveEntries found = new ArchiveEntries(location, ctx, depth, out);
        int entries = 0;
        try (ZipArchiveInputStream zip = new ZipArchiveInputStream(new NonClosing(in), "UTF-8", true, true)) {
            ZipArchiveEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (++entries > ctx.limits().maxArchiveEntries()) {
                    throw new ScanFailedException("archive " + location + " has more than "
                            + ctx.limits().maxArchiveEntries() + " entries");
                }
                if (e.isDirectory()) {
                    continue;
                }
                found.read(e.getName(), zip, e.getSize());
                ctx.addArchiveBytes(Math.max(0, zip.getUncompressedCount()), location);
            }
        } catch (ScanFailedException sfe) {
            throw sfe;
        } catch (IOException | RuntimeException bad) {
            // A jar we cannot read (truncated, not a zip at all) hides nothing we could have found in it; the image
            // may legitimately carry such files (test fixtures, renamed files), so it does not fail the scan.
            if (found.foundNothing()) {
                return;
            }
        }
        found.identify();
    }

    private static Package fromPomProperties(String text, ExtractContext ctx, String location) throws IOException {
        Properties props = new Properties();
        props.load(new java.io.StringReader(text));
        String g = props.getProperty("groupId");
        String a = props.getProperty("artifactId");
        String v = props.getProperty("version");
        if (g == null || a == null || v == null || v.isBlank()) {
            return null;
        }
        return new Package("maven", g.trim() + ":" + a.trim(), v.trim(), null, null, null, null, ctx.layerDigest(),
                location);
    }

    private static Package fromManifestOrName(Manifest m, ExtractContext ctx, String location) {
        String file = location.substring(location.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String base = dot > 0 ? file.substring(0, dot) : file;
        String artifact = null;
        String version = null;
        String group = null;
        if (m != null) {
            Attributes at = m.getMainAttributes();
            version = first(at.getValue("Implementation-Version"), at.getValue("Bundle-Version"));
            group = at.getValue("Implementation-Vendor-Id");
            String bsn = at.getValue("Bundle-SymbolicName");
            if (bsn != null) {
                bsn = bsn.split(";")[0].trim();
            }
            Matcher fm = FILE_NAME.matcher(base);
            artifact = fm.matches() ? fm.group(1) : first(at.getValue("Implementation-Title"), bsn);
            if (group == null && bsn != null && bsn.contains(".")) {
                group = bsn.substring(0, bsn.lastIndexOf('.'));
            }
        }
        if (version == null || artifact == null) {
            Matcher fm = FILE_NAME.matcher(base);
            if (!fm.matches()) {
                return null;
            }
            artifact = fm.group(1);
            version = fm.group(2);
        }
        String name = group == null ? artifact : group + ":" + artifact;
        return new Package("maven", name, version, null, null, null, null, ctx.layerDigest(), location);
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a.trim() : (b != null && !b.isBlank() ? b.trim() : null);
    }

    /** Lets a nested ZipArchiveInputStream be closed without closing the outer archive or tar stream. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
