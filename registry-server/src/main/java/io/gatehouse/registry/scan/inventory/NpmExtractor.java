package io.gatehouse.registry.scan.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.report.Package;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * npm packages: every {@code node_modules/<name>/package.json} and {@code node_modules/@scope/<name>/package.json}
 * (what is really installed), and {@code package-lock.json} files (lockfile v1 "dependencies" trees and v2/v3
 * "packages" maps), for images that ship a lock without node_modules. npm's hidden
 * {@code node_modules/.package-lock.json} repeats node_modules and is skipped.
 */
public final class NpmExtractor implements Extractor {
    private static final Pattern INSTALLED = Pattern.compile("(^|.*/)node_modules/(@[^/]+/)?[^/@][^/]*/package\\.json$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean wants(String path) {
        if (path.endsWith("/package.json")) {
            return path.contains("node_modules/") && INSTALLED.matcher(path).matches();
        }
        return (path.equals("package-lock.json") || path.endsWith("/package-lock.json"))
                && !path.endsWith("node_modules/.package-lock.json");
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(ctx.readText(path, content));
        } catch (IOException e) {
            return null; // a broken package.json in an image is the image's problem, not a reason to fail the scan
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        List<Package> out = new ArrayList<>();
        if (path.endsWith("/package.json")) {
            String name = root.path("name").asText(null);
            String version = root.path("version").asText(null);
            if (name != null && version != null) {
                out.add(pkg(name, version, ctx, path));
            }
            return Extracted.of(out);
        }
        JsonNode packages = root.path("packages");
        if (packages.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = packages.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                int nm = key.lastIndexOf("node_modules/");
                if (nm < 0 || e.getValue().path("link").asBoolean(false)) {
                    continue; // "" is the project itself; links point at workspace folders
                }
                String name = e.getValue().path("name").asText(key.substring(nm + "node_modules/".length()));
                String version = e.getValue().path("version").asText(null);
                if (version != null) {
                    out.add(pkg(name, version, ctx, path));
                }
            }
        } else {
            walkV1(root.path("dependencies"), ctx, path, out, 0);
        }
        return Extracted.of(out);
    }

    private void walkV1(JsonNode deps, ExtractContext ctx, String path, List<Package> out, int depth) {
        if (!deps.isObject() || depth > 64) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String version = e.getValue().path("version").asText(null);
            if (version != null && !version.startsWith("file:") && !version.contains("://")) {
                out.add(pkg(e.getKey(), version, ctx, path));
            }
            walkV1(e.getValue().path("dependencies"), ctx, path, out, depth + 1);
        }
    }

    private static Package pkg(String name, String version, ExtractContext ctx, String path) {
        return new Package("npm", name, version, null, null, null, null, ctx.layerDigest(), path);
    }
}
