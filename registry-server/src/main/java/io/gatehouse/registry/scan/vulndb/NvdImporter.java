package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * NVD CVE API 2.0 pages ({@code {"format":"NVD_CVE","vulnerabilities":[{"cve":{…}}]}}), one file, a gzip of one,
 * or a folder of them. Only scores (CVSS v3.1/v3.0 and v4.0, NVD's own "Primary" metric preferred) and the English
 * description are kept: they enrich findings from the other feeds by CVE id. NVD's CPE configurations are not
 * used for matching (CPEs name products, not the packages images contain).
 */
public final class NvdImporter implements AdvisoryImporter {

    @Override
    public String format() {
        return "nvd";
    }

    @Override
    public void importFrom(Path path, AdvisorySink sink) throws IOException {
        if (Files.isDirectory(path)) {
            for (Path f : Importers.filesUnder(path, p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz"))) {
                importFile(f, sink);
            }
        } else {
            importFile(path, sink);
        }
    }

    private void importFile(Path path, AdvisorySink sink) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (InputStream in = gz ? new GZIPInputStream(raw) : raw;
                 JsonParser p = VulnDb.JSON.getFactory().createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new VulnDbImportException(path + " is not an NVD API 2.0 response");
                }
                boolean sawVulnerabilities = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("vulnerabilities") && t == JsonToken.START_ARRAY) {
                        sawVulnerabilities = true;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            JsonNode item = p.readValueAsTree();
                            NvdEntry e = parse(item.path("cve"));
                            if (e != null) {
                                sink.nvd(e);
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                if (!sawVulnerabilities) {
                    throw new VulnDbImportException(path + " is not an NVD API 2.0 response (no \"vulnerabilities\")");
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw VulnDbImportException.unparsable(path + " is not valid JSON", e);
        }
    }

    static NvdEntry parse(JsonNode cve) {
        String id = cve.path("id").asText(null);
        if (id == null) {
            return null;
        }
        String description = null;
        for (JsonNode d : cve.path("descriptions")) {
            if ("en".equals(d.path("lang").asText())) {
                description = d.path("value").asText();
                break;
            }
        }
        JsonNode metrics = cve.path("metrics");
        JsonNode v3 = pick(metrics.path("cvssMetricV31"));
        if (v3 == null) {
            v3 = pick(metrics.path("cvssMetricV30"));
        }
        JsonNode v4 = pick(metrics.path("cvssMetricV40"));
        return new NvdEntry(id, description,
                v3 == null ? null : v3.path("cvssData").path("baseScore").asDouble(),
                v3 == null ? null : v3.path("cvssData").path("vectorString").asText(null),
                v4 == null ? null : v4.path("cvssData").path("baseScore").asDouble(),
                v4 == null ? null : v4.path("cvssData").path("vectorString").asText(null),
                cve.path("published").asText(null), cve.path("lastModified").asText(null));
    }

    /** NVD's own ("Primary") metric when there is one, else the first (a CNA's). */
    private static JsonNode pick(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return null;
        }
        for (JsonNode m : list) {
            if ("Primary".equals(m.path("type").asText()) && m.path("cvssData").has("baseScore")) {
                return m;
            }
        }
        return list.get(0).path("cvssData").has("baseScore") ? list.get(0) : null;
    }
}
