package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.service.ScanStatus;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static io.gatehouse.registry.scan.TestLayer.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile images pushed to a running registry (the unit-level cases are in {@link HostileLayersTest}): each scan
 * ends FAILED with a reason, or DONE without being fooled, and the registry serves on and scans the next image.
 * Memory: the bombs here decompress to GiBs, but the scanner stops reading at the limits (a run of this class fits
 * in the test JVM's default heap with room to spare); the header bomb is the one that used to be held in memory.
 */
class HostileImagesTest {
    /** Defaults, but metadata (and so tar headers) bounded at 1 MiB, to show the header bound without a 64 MiB blob. */
    static final ScanLimits LIMITS = ScanLimits.defaults().withMaxFileBytes(1 << 20);

    @TempDir
    static Path dir;
    static ScanningRegistry registry;

    @BeforeAll
    static void start() throws IOException {
        VulnDb db = TestData.copyOfShared(dir);
        registry = new ScanningRegistry(dir.resolve("registry"), db, LIMITS);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    ScanStatus pushAndScan(String repo, byte[]... layers) {
        Digest image = registry.push(repo, "1", layers);
        ScanStatus status = registry.awaitFinished(repo, image);
        assertRegistryServesOn();
        return status;
    }

    void assertRegistryServesOn() {
        assertThat(registry.client.get("/v2/").statusCode()).isEqualTo(200);
        Digest ok = registry.push("after/hostile", "ok", new TestLayer()
                .file("var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g")).gzip());
        assertThat(registry.awaitFinished("after/hostile", ok).state()).isEqualTo(ScanStatus.State.DONE);
    }

    /** A tar with a small valid file, then (inside the same compressed stream) {@code zeros} bytes of zeros. */
    static byte[] endless(OutputStreamFactory compressor, long zeros) throws IOException {
        byte[] tar = new TestLayer().file("etc/os-release", resource("/vuln/debian12/os-release")).tar();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = compressor.wrap(out)) {
            c.write(tar);
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                c.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return out.toByteArray();
    }

    interface OutputStreamFactory {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    @Test
    void aGzipMemberThatGoesOnAfterTheTarFailsOnTheCompressionRatio() throws IOException {
        // 256 MiB of zeros behind the end of the tar, 256 KiB pushed: the scan used to inflate all of it (up to the
        // 16 GiB layer limit) before failing; the ratio limit stops it after 64 MiB
        byte[] layer = endless(GZIPOutputStream::new, 256L << 20);
        assertThat(layer.length).isLessThan(1 << 20);
        ScanStatus s = pushAndScan("bomb/gzip", layer);
        assertThat(s.state()).isEqualTo(ScanStatus.State.FAILED);
        assertThat(s.reason()).contains("compression bomb").contains("250 times");
    }

    @Test
    void aZstdBombFailsOnTheCompressionRatio() throws IOException {
        byte[] layer = endless(ZstdOutputStream::new, 256L << 20);
        assertThat(layer.length).isLessThan(1 << 20);
        ScanStatus s = pushAndScan("bomb/zstd", layer);
        assertThat(s.state()).isEqualTo(ScanStatus.State.FAILED);
        assertThat(s.reason()).contains("compression bomb");
    }

    @Test
    void aGiantPaxHeaderIsRefusedBeforeItIsHeldInMemory() throws IOException {
        // a PAX extended header announcing 16 MiB (or 16 GiB: it is cheap to send gzip-compressed): the tar reader
        // reads it into one byte array
        long size = 16L << 20;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            TarArchiveEntry pax = new TarArchiveEntry("././@PaxHeader", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
            pax.setSize(size);
            byte[] header = new byte[512];
            pax.writeEntryHeader(header);
            gz.write(header);
            byte[] prefix = (size + " path=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            gz.write(prefix);
            byte[] a = new byte[1 << 20];
            java.util.Arrays.fill(a, (byte) 'a');
            for (long left = size - prefix.length; left > 0; left -= a.length) {
                gz.write(a, 0, (int) Math.min(a.length, left));
            }
        }
        ScanStatus s = pushAndScan("bomb/pax", out.toByteArray());
        assertThat(s.state()).isEqualTo(ScanStatus.State.FAILED);
        assertThat(s.reason()).contains("tar header").contains("larger than the limit of 1048576 bytes");
    }

    @Test
    void aSparseFileWithAnEndlessHoleFailsBeforeItIsSkipped() throws IOException {
        // an old-GNU sparse entry ('S'): 1 byte stored, at the end of an 8 GiB file of holes (the most 11 octal
        // digits say; PAX sparse headers go to 2^63). The tar reader makes the holes up as zeros, above the
        // decompressed stream, so skipping the file used to cost a second of CPU per GiB, unlimited
        byte[] header = new byte[512];
        ascii(header, 0, "usr/share/hole");
        ascii(header, 100, "0000644\0");
        ascii(header, 108, "0000000\0");
        ascii(header, 116, "0000000\0");
        ascii(header, 124, "00000000001\0");          // stored size: 1 byte
        ascii(header, 136, "00000000000\0");
        header[156] = 'S';
        ascii(header, 257, "ustar  \0");
        ascii(header, 386, "77777777776\0");          // sparse[0].offset
        ascii(header, 398, "00000000001\0");          // sparse[0].numbytes
        ascii(header, 483, "77777777777\0");          // realsize
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        ascii(header, 148, String.format("%06o\0 ", sum));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.write(header);
        tar.write(new byte[512]);  // the stored byte, padded
        tar.write(new byte[1024]); // end of archive
        ScanStatus s = pushAndScan("bomb/sparse", TestLayer.gzip(tar.toByteArray()));
        assertThat(s.state()).isEqualTo(ScanStatus.State.FAILED);
        assertThat(s.reason()).contains("compression bomb");
    }

    static void ascii(byte[] header, int offset, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }

    @Test
    void symlinkLoopsDevicesFifosAndEscapingPathsAreNeitherFollowedNorRead() throws IOException {
        TarArchiveEntry chr = new TarArchiveEntry("var/lib/dpkg/status", TarArchiveEntry.LF_CHR);
        chr.setDevMajor(1);
        chr.setDevMinor(5); // /dev/zero: reading it would never end
        TarArchiveEntry blk = new TarArchiveEntry("lib/apk/db/installed", TarArchiveEntry.LF_BLK);
        TarArchiveEntry fifo = new TarArchiveEntry("etc/os-release", TarArchiveEntry.LF_FIFO);
        TarArchiveEntry selfLink = new TarArchiveEntry("usr/lib/os-release", TarArchiveEntry.LF_LINK);
        selfLink.setLinkName("usr/lib/os-release");
        byte[] layer = new TestLayer()
                .entry(chr, new byte[0]).entry(blk, new byte[0]).entry(fifo, new byte[0]).entry(selfLink, new byte[0])
                .symlink("loop/a", "b").symlink("loop/b", "a").symlink("loop/self", ".")
                .symlink("var/lib/dpkg/status.d", "../../../var/lib/dpkg/status.d")
                .file("../../../../var/lib/dpkg/status.d/libc6", resource("/vuln/distroless/status.d/libc6"))
                .file("/var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g"))
                .gzip();
        ScanStatus s = pushAndScan("hostile/links", layer);
        assertThat(s.state()).isEqualTo(ScanStatus.State.DONE);
        JsonNode sbom = RegistryClient.JSON.readTree(registry.scans.sbom("hostile/links",
                Digest.parse(s.manifestDigest())).orElseThrow());
        assertThat(sbom.path("components")).extracting(c -> c.path("name").asText())
                .contains("zlib1g").doesNotContain("libc6");
    }

    @Test
    void aLayerOfAHundredThousandEntriesIsScanned() throws IOException {
        TestLayer l = new TestLayer();
        for (int i = 0; i < 100_000; i++) {
            l.file("usr/share/doc/pkg" + (i % 1000) + "/f" + i, new byte[0]);
        }
        l.file("var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g"));
        ScanStatus s = pushAndScan("hostile/many", l.gzip());
        assertThat(s.state()).isEqualTo(ScanStatus.State.DONE);
    }
}
