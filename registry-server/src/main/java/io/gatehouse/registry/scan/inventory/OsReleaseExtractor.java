package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.OsInfo;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OS from os-release(5). Debian ships {@code etc/os-release} as a symlink to {@code ../usr/lib/os-release}, and
 * the inventory never follows links, so both paths are read; {@link ImageInventory} prefers etc/.
 */
public final class OsReleaseExtractor implements Extractor {
    static final String ETC = "etc/os-release";
    static final String USR_LIB = "usr/lib/os-release";

    @Override
    public boolean wants(String path) {
        return path.equals(ETC) || path.equals(USR_LIB);
    }

    @Override
    public Extracted extract(String path, InputStream content, ExtractContext ctx) throws IOException {
        Map<String, String> kv = new HashMap<>();
        for (String line : ctx.readText(path, content).split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) {
                continue;
            }
            String v = line.substring(eq + 1).trim();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            kv.put(line.substring(0, eq).trim(), v);
        }
        if (!kv.containsKey("ID")) {
            return null;
        }
        return new Extracted(List.of(), new OsInfo(kv.get("ID"), kv.get("VERSION_ID"), kv.get("VERSION_CODENAME"),
                kv.get("PRETTY_NAME")));
    }
}
