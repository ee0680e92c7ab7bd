package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.Package;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Python distributions: {@code *.dist-info/METADATA} (wheels, pip), {@code *.egg-info/PKG-INFO} (setuptools) and
 * {@code *.egg-info} files (distutils writes PKG-INFO content to a single file).
 */
public final class PythonExtractor implements Extractor {

    @Override
    public boolean wants(String path) {
        return path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO")
                || path.endsWith(".egg-info");
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        Map<String, String> h = ControlFile.headers(ctx.readText(path, content));
        String name = h.get("Name");
        String version = h.get("Version");
        if (name == null || version == null) {
            return null;
        }
        return Extracted.of(List.of(new Package("pypi", name, version, null, null, null, null, ctx.layerDigest(),
                path)));
    }
}
