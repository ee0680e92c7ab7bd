package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.Package;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian and Ubuntu packages: {@code var/lib/dpkg/status} (only stanzas whose Status says "installed") and the
 * distroless layout {@code var/lib/dpkg/status.d/<name>} (one stanza per file, no Status line; the
 * {@code *.md5sums} files beside them are skipped). Each package keeps its source package name and version
 * ({@code Source: glibc (2.36-9+deb12u4)}), because Debian's advisories are written against source packages.
 */
public final class DpkgExtractor implements Extractor {
    static final String STATUS = "var/lib/dpkg/status";
    static final String STATUS_D = "var/lib/dpkg/status.d/";

    @Override
    public boolean wants(String path) {
        if (path.equals(STATUS)) {
            return true;
        }
        if (path.startsWith(STATUS_D)) {
            String name = path.substring(STATUS_D.length());
            return !name.isEmpty() && name.indexOf('/') < 0 && !name.endsWith(".md5sums");
        }
        return false;
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        boolean statusFile = path.equals(STATUS);
        List<Package> out = new ArrayList<>();
        for (Map<String, String> s : ControlFile.stanzas(ctx.readText(path, content))) {
            String name = s.get("Package");
            String version = s.get("Version");
            if (name == null || version == null) {
                continue;
            }
            String status = s.get("Status");
            if (statusFile && (status == null || !status.endsWith(" installed"))) {
                continue; // removed packages leave "deinstall ok config-files" stanzas behind
            }
            String sourceName = name;
            String sourceVersion = version;
            String source = s.get("Source");
            if (source != null && !source.isBlank()) {
                int paren = source.indexOf('(');
                if (paren > 0) {
                    sourceName = source.substring(0, paren).trim();
                    int close = source.indexOf(')', paren);
                    sourceVersion = source.substring(paren + 1, close > paren ? close : source.length()).trim();
                } else {
                    sourceName = source.trim();
                }
            }
            out.add(new Package("deb", name, version, sourceName, sourceVersion, s.get("Architecture"), null,
                    ctx.layerDigest(), path));
        }
        return Extracted.of(out);
    }
}
