package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.Package;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Alpine packages from {@code lib/apk/db/installed}: P (name), V (version), A (arch), o (origin: the source package,
 * which Alpine's secdb is keyed by).
 */
public final class ApkExtractor implements Extractor {
    static final String INSTALLED = "lib/apk/db/installed";

    @Override
    public boolean wants(String path) {
        return path.equals(INSTALLED);
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        List<Package> out = new ArrayList<>();
        for (Map<String, String> s : ControlFile.stanzas(ctx.readText(path, content))) {
            String name = s.get("P");
            String version = s.get("V");
            if (name == null || version == null) {
                continue;
            }
            String origin = s.getOrDefault("o", name);
            out.add(new Package("apk", name, version, origin, version, s.get("A"), null, ctx.layerDigest(), path));
        }
        return Extracted.of(out);
    }
}
