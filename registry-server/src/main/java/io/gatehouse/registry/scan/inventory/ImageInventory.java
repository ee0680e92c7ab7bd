package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.OsInfo;
import io.gatehouse.core.report.Package;
import io.gatehouse.core.report.Sbom;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds an image's inventory from its layers, bottom to top, the way a container runtime builds its root
 * filesystem: a layer's whiteouts and replaced files remove what lower layers said about those paths (a package
 * removed by {@code apt-get purge} in layer 3 is not reported because layer 1 installed it), then the layer's own
 * findings are added. Feed layers in manifest order with {@link #addLayer}, then call {@link #finish}.
 */
public final class ImageInventory {
    private final LayerInventory layers;
    private final ScanLimits limits;
    private final NavigableMap<String, Extracted> state = new TreeMap<>();
    private long totalBytes;

    public ImageInventory(LayerInventory layers, ScanLimits limits) {
        this.layers = layers;
        this.limits = limits;
    }

    public ImageInventory(ScanLimits limits) {
        this(new LayerInventory(LayerInventory.defaultExtractors(), limits), limits);
    }

    public void addLayer(String layerDigest, InputStream blob) throws ScanFailedException {
        LayerInventory.Result r = layers.scan(blob, layerDigest, state::containsKey);
        totalBytes += r.decompressedBytes();
        if (totalBytes > limits.maxImageBytes()) {
            throw new ScanFailedException("the image's layers decompress to more than " + limits.maxImageBytes()
                    + " bytes");
        }
        for (String dir : r.opaqueDirs()) {
            removeUnder(dir);
        }
        for (String p : r.deleted()) {
            state.remove(p);
            removeUnder(p);
        }
        for (String p : r.replaced()) {
            state.remove(p);
        }
        state.putAll(r.found());
    }

    private void removeUnder(String dir) {
        if (dir.isEmpty()) {
            state.clear();
        } else {
            state.subMap(dir + "/", true, dir + "/\uffff", true).clear();
        }
    }

    public OsInfo os() {
        Extracted etc = state.get(OsReleaseExtractor.ETC);
        if (etc != null && etc.os() != null) {
            return etc.os();
        }
        Extracted usr = state.get(OsReleaseExtractor.USR_LIB);
        return usr != null ? usr.os() : null;
    }

    public Sbom finish(String imageDigest) {
        OsInfo os = os();
        Set<Package> seen = new LinkedHashSet<>();
        for (Map.Entry<String, Extracted> e : state.entrySet()) {
            for (Package p : e.getValue().packages()) {
                seen.add(p.withPurl(Purls.of(p, os)));
            }
        }
        return new Sbom(imageDigest, os, new ArrayList<>(seen), Instant.now().toString());
    }

    public long decompressedBytes() {
        return totalBytes;
    }

    /** Convenience for tests and tools: the inventory of layers given in order. */
    public static Sbom of(String imageDigest, ScanLimits limits, List<Map.Entry<String, InputStream>> layers)
            throws ScanFailedException {
        ImageInventory inv = new ImageInventory(limits);
        for (Map.Entry<String, InputStream> l : layers) {
            inv.addLayer(l.getKey(), l.getValue());
        }
        return inv.finish(imageDigest);
    }
}
