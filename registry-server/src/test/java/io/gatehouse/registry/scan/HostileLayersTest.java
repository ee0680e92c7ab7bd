package io.gatehouse.registry.scan;

import io.gatehouse.core.report.Sbom;
import io.gatehouse.registry.scan.inventory.ImageInventory;
import io.gatehouse.registry.scan.inventory.ScanFailedException;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static io.gatehouse.registry.scan.TestLayer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A scanner meets hostile input: each case ends in a clear failure or a safe result, never a hang or a crash. */
class HostileLayersTest {

    static Sbom scan(ScanLimits limits, byte[]... layers) throws ScanFailedException {
        ImageInventory inv = new ImageInventory(limits);
        for (byte[] l : layers) {
            inv.addLayer(TestLayer.sha256(l), new ByteArrayInputStream(l));
        }
        return inv.finish("sha256:image");
    }

    @Test
    void gzipBombIsStoppedAtTheDecompressedLimit() throws IOException {
        // 64 MiB of zeros in one tar entry compress to ~64 KiB; the limit here is 8 MiB.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            // a tar header announcing a 64 MiB file, then the zeros
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("var/lib/dpkg/status");
            e.setSize(64L << 20);
            byte[] tarHeader = new byte[512];
            e.writeEntryHeader(tarHeader);
            gz.write(tarHeader);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros);
            }
        }
        assertThat(out.size()).isLessThan(1 << 20);
        assertThatThrownBy(() -> scan(ScanLimits.defaults().withMaxLayerBytes(8 << 20), out.toByteArray()))
                .isInstanceOf(ScanFailedException.class).hasMessageContaining("exceeds the limit");
        // and a metadata file that size is refused before it is read into memory
        assertThatThrownBy(() -> scan(ScanLimits.defaults().withMaxFileBytes(1 << 20), out.toByteArray()))
                .isInstanceOf(ScanFailedException.class).hasMessageContaining("var/lib/dpkg/status is larger");
    }

    @Test
    void hugeEntryCountsAreRefused() {
        TestLayer l = new TestLayer();
        for (int i = 0; i < 1500; i++) {
            l.file("usr/share/doc/f" + i, new byte[0]);
        }
        byte[] layer = l.gzip();
        assertThatThrownBy(() -> scan(ScanLimits.defaults().withMaxEntries(1000), layer))
                .isInstanceOf(ScanFailedException.class).hasMessageContaining("more than 1000 entries");
    }

    @Test
    void dotDotAbsoluteAndSymlinkEntriesNeverEscapeOrGetFollowed() throws IOException {
        byte[] status = resource("/vuln/distroless/status.d/libc6");
        byte[] layer = new TestLayer()
                .file("../../../var/lib/dpkg/status.d/libc6", status)        // escapes the root: ignored
                .file("/var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g")) // absolute: rooted
                .file("./var/lib/../lib/dpkg/status.d/tzdata", resource("/vuln/distroless/status.d/tzdata"))
                .symlink("var/lib/dpkg/status", "/proc/self/environ")       // never followed
                .symlink("lib/apk/db/installed", "../../../../etc/shadow")
                .gzip();
        Sbom sbom = scan(ScanLimits.defaults(), layer);
        assertThat(sbom.packages()).extracting(p -> p.name()).containsExactlyInAnyOrder("zlib1g", "tzdata");
        assertThat(sbom.packages()).extracting(p -> p.location())
                .containsExactlyInAnyOrder("var/lib/dpkg/status.d/zlib1g", "var/lib/dpkg/status.d/tzdata");
    }

    @Test
    void truncatedGzipFailsWithAReason() {
        byte[] layer = new TestLayer().file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status")).gzip();
        byte[] cut = Arrays.copyOf(layer, layer.length / 2);
        assertThatThrownBy(() -> scan(ScanLimits.defaults(), cut))
                .isInstanceOf(ScanFailedException.class).hasMessageContaining("truncated");
    }

    @Test
    void garbageIsNotATar() {
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);
        garbage[0] = 'x'; // not a gzip or zstd magic either
        assertThatThrownBy(() -> scan(ScanLimits.defaults(), garbage)).isInstanceOf(ScanFailedException.class)
                .hasMessageContaining("tar");
    }

    @Test
    void corruptGzipBodyFails() {
        byte[] layer = new TestLayer().file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status")).gzip();
        for (int i = 100; i < 400; i++) {
            layer[i] ^= 0x5a;
        }
        assertThatThrownBy(() -> scan(ScanLimits.defaults(), layer)).isInstanceOf(ScanFailedException.class);
    }

    @Test
    void archivesNestedTooDeepAreRefused() {
        byte[] jar = TestLayer.testJar("commons-text-1.9.jar");
        byte[] nested = jar;
        for (int i = 0; i < 5; i++) {
            nested = TestLayer.zip(true, "lib/inner" + i + ".jar", nested);
        }
        byte[] layer = new TestLayer().file("app/deep.jar", nested).gzip();
        assertThatThrownBy(() -> scan(ScanLimits.defaults().withMaxArchiveDepth(3), layer))
                .isInstanceOf(ScanFailedException.class).hasMessageContaining("nested deeper than 3");
    }

    @Test
    void aBrokenJarOrPackageJsonInTheImageDoesNotFailTheScan() throws IOException {
        byte[] jar = TestLayer.testJar("commons-text-1.9.jar");
        byte[] layer = new TestLayer()
                .file("app/truncated.jar", Arrays.copyOf(jar, jar.length / 3))
                .file("app/not-a-zip.jar", "hello")
                .file("app/node_modules/x/package.json", "{ not json")
                .file("var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g"))
                .gzip();
        Sbom sbom = scan(ScanLimits.defaults(), layer);
        assertThat(sbom.packages()).extracting(p -> p.name()).contains("zlib1g");
    }
}
