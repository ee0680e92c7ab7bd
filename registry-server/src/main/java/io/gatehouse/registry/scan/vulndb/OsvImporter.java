package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.inventory.Purls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * OSV records (ossf.github.io/osv-schema): one JSON file, a folder of them (searched recursively), or a zip of
 * them (OSV's per-ecosystem {@code all.zip}). Covers GitHub advisories, Debian and Alpine OSV, and any other feed in
 * the schema. Ecosystems are normalised to what the matcher asks for: {@code Debian:12}, {@code Alpine:v3.19},
 * {@code Ubuntu:22.04}; PyPI names are PEP 503-normalised.
 */
public final class OsvImporter implements AdvisoryImporter {
    private static final long MAX_RECORD = 32L << 20;

    @Override
    public String format() {
        return "osv";
    }

    @Override
    public void importFrom(Path path, AdvisorySink sink) throws IOException {
        if (Files.isDirectory(path)) {
            for (Path f : Importers.filesUnder(path, p -> p.toString().endsWith(".json") && Files.isRegularFile(p))) {
                try (InputStream in = Files.newInputStream(f)) {
                    record(f.toString(), in, sink);
                }
            }
        } else if (path.toString().endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(path))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    if (!e.isDirectory() && e.getName().endsWith(".json")) {
                        record(path + "!/" + e.getName(), zip, sink);
                    }
                }
            } catch (java.util.zip.ZipException z) {
                throw new VulnDbImportException(path + " is not a valid zip archive: " + z.getMessage(), z);
            }
        } else {
            try (InputStream in = Files.newInputStream(path)) {
                record(path.toString(), in, sink);
            }
        }
    }

    void record(String where, InputStream in, AdvisorySink sink) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_RECORD + 1);
        if (bytes.length > MAX_RECORD) {
            throw new VulnDbImportException(where + ": OSV record larger than " + MAX_RECORD + " bytes");
        }
        JsonNode r;
        try {
            r = VulnDb.JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw VulnDbImportException.unparsable(where + " is not valid JSON", e);
        }
        if (r == null || !r.isObject() || !r.path("id").isTextual()) {
            throw new VulnDbImportException(where + " is not an OSV record (no \"id\")");
        }
        if (r.hasNonNull("withdrawn")) {
            return; // withdrawn advisories must not produce findings
        }
        sink.advisory(parse(r));
    }

    static Advisory parse(JsonNode r) {
        String id = r.path("id").asText();
        List<String> aliases = new ArrayList<>();
        r.path("aliases").forEach(a -> aliases.add(a.asText()));
        String source = sourceOf(id);

        Double score = null;
        String vector = null;
        Severity vendor = null;
        String vendorSource = null;
        for (JsonNode s : r.path("severity")) {
            String type = s.path("type").asText("");
            String value = s.path("score").asText("");
            if (type.equals("CVSS_V3") && vector == null) {
                vector = value;
                score = Cvss3.baseScore(value);
            } else if (type.equals("CVSS_V4") && vector == null) {
                vector = value; // scored by NVD when imported; we do not compute v4 scores from vectors
            } else if (type.equalsIgnoreCase("Ubuntu")) {
                vendor = Severity.parseVendor(value);
                vendorSource = "ubuntu";
            }
        }
        Severity dbSev = Severity.parseVendor(r.path("database_specific").path("severity").asText(null));
        if (dbSev != null) {
            vendor = dbSev;
            vendorSource = source;
        }

        List<Advisory.AffectedPackage> affected = new ArrayList<>();
        for (JsonNode a : r.path("affected")) {
            String eco = normalizeEcosystem(a.path("package").path("ecosystem").asText(""));
            String name = a.path("package").path("name").asText("");
            if (eco.isEmpty() || name.isEmpty()) {
                continue;
            }
            if (eco.equals("PyPI")) {
                name = Purls.pypiName(name);
            }
            List<Advisory.Range> ranges = new ArrayList<>();
            for (JsonNode range : a.path("ranges")) {
                String type = range.path("type").asText("ECOSYSTEM");
                if (type.equals("GIT")) {
                    continue; // commit ranges need the source repository; package versions cannot be placed in them
                }
                List<Advisory.Event> events = new ArrayList<>();
                for (JsonNode ev : range.path("events")) {
                    for (Iterator<String> it = ev.fieldNames(); it.hasNext(); ) {
                        String kind = it.next();
                        events.add(new Advisory.Event(kind, ev.get(kind).asText()));
                    }
                }
                if (!events.isEmpty()) {
                    ranges.add(new Advisory.Range(type, events));
                }
            }
            List<String> versions = new ArrayList<>();
            a.path("versions").forEach(v -> versions.add(v.asText()));
            Severity pkgSev = Severity.parseVendor(first(a.path("ecosystem_specific").path("severity").asText(null),
                    a.path("database_specific").path("severity").asText(null),
                    a.path("ecosystem_specific").path("urgency").asText(null)));
            affected.add(new Advisory.AffectedPackage(eco, name, ranges, versions, pkgSev,
                    pkgSev == null ? null : source));
        }
        return new Advisory(source, id, aliases, text(r, "summary"), text(r, "details"), vendor, vendorSource, score,
                vector, text(r, "published"), text(r, "modified"), affected);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The feed an OSV id belongs to, from its prefix: GHSA-… → ghsa, DSA-… → debian, ALPINE-… → alpine. */
    static String sourceOf(String id) {
        int dash = id.indexOf('-');
        String prefix = (dash > 0 ? id.substring(0, dash) : id).toLowerCase(Locale.ROOT);
        return switch (prefix) {
            case "ghsa" -> "ghsa";
            case "dsa", "dla", "dtsa", "debian" -> "debian";
            case "alpine" -> "alpine";
            case "usn", "ubuntu" -> "ubuntu";
            case "debcl" -> "debian-changelog";
            default -> "osv";
        };
    }

    /** "Debian:12.4" → "Debian:12"; "Ubuntu:22.04:LTS" → "Ubuntu:22.04"; "Alpine:v3.19" stays. */
    public static String normalizeEcosystem(String eco) {
        String e = eco.trim();
        if (e.startsWith("Debian:")) {
            String v = e.substring(7);
            int dot = v.indexOf('.');
            return "Debian:" + (dot > 0 ? v.substring(0, dot) : v);
        }
        if (e.startsWith("Ubuntu:")) {
            String[] parts = e.split(":");
            String v = parts.length > 1 && (parts[1].equals("Pro") || parts[1].equals("FIPS")) && parts.length > 2
                    ? parts[2] : (parts.length > 1 ? parts[1] : "");
            return "Ubuntu:" + v;
        }
        return e;
    }
}
