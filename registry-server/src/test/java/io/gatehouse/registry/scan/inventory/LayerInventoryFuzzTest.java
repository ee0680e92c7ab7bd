package io.gatehouse.registry.scan.inventory;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A layer blob as a hostile image may carry it: gzip, zstd or plain tar, with whatever entries and file contents
 * (the seeds are mostly plain tars so that mutations reach the tar reader and the extractors rather than dying on
 * a checksum). Properties: the scan ends in a result or a {@link ScanFailedException} (nothing else escapes, no
 * OutOfMemoryError, no hang); the result keeps within the limits; every path it reports is normalised and inside
 * the image root.
 */
class LayerInventoryFuzzTest {
    static final ScanLimits LIMITS = new ScanLimits(4 << 20, 8 << 20, 2_000, 256 << 10, 2, 1_000, 4 << 20, 250);
    static final LayerInventory INVENTORY = new LayerInventory(LayerInventory.defaultExtractors(), LIMITS);

    @FuzzTest(maxDuration = "30s")
    void layer(byte[] blob) {
        LayerInventory.Result r;
        try {
            r = INVENTORY.scan(new ByteArrayInputStream(blob), "sha256:fuzz", p -> p.startsWith("usr/"));
        } catch (ScanFailedException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        assertThat(r.decompressedBytes()).isLessThanOrEqualTo(LIMITS.maxLayerBytes());
        assertThat(r.entries()).isLessThanOrEqualTo(LIMITS.maxEntries());
        for (String p : r.found().keySet()) {
            assertNormalised(p);
        }
        r.deleted().forEach(LayerInventoryFuzzTest::assertNormalised);
        r.replaced().forEach(LayerInventoryFuzzTest::assertNormalised);
        r.found().values().forEach(x -> x.packages().forEach(pkg -> {
            assertThat(pkg.name()).isNotBlank();
            assertThat(pkg.version()).isNotNull();
        }));
    }

    static void assertNormalised(String path) {
        assertThat(path.split("/", -1)).as(path).doesNotContain("", ".", "..");
        assertThat(LayerInventory.normalize(path)).isEqualTo(path);
    }
}
