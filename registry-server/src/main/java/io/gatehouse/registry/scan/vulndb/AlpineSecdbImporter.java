package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatehouse.registry.scan.version.ApkVersionComparator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alpine's secdb ({@code secdb.alpinelinux.org/v3.x/main.yaml} or .json): per origin package, {@code secfixes} maps
 * the version that fixed a set of CVEs. Entries are free text in practice ("CVE-2017-16808 (AoE)",
 * "CVE-xxxx XSA-nnn", "CVE-????-?????"): the CVE ids are picked out and the rest ignored. Version "0" lists CVEs
 * that never affected Alpine's package and is skipped. A CVE listed under two versions is fixed at the lower.
 */
public final class AlpineSecdbImporter implements AdvisoryImporter {
    private static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,}");

    @Override
    public String format() {
        return "alpine-secdb";
    }

    @Override
    public void importFrom(Path path, AdvisorySink sink) throws IOException {
        JsonNode root;
        boolean yaml = !path.toString().endsWith(".json");
        try (InputStream in = Files.newInputStream(path)) {
            root = (yaml ? new ObjectMapper(new YAMLFactory()) : VulnDb.JSON).readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw VulnDbImportException.unparsable(path + " is not a valid Alpine secdb file", e);
        }
        if (root == null || !root.path("distroversion").isTextual() || !root.path("packages").isArray()) {
            throw new VulnDbImportException(path + " is not an Alpine secdb file (needs distroversion and packages)");
        }
        String eco = "Alpine:" + root.path("distroversion").asText();
        for (JsonNode entry : root.path("packages")) {
            JsonNode pkg = entry.path("pkg");
            String name = pkg.path("name").asText(null);
            if (name == null) {
                continue;
            }
            Map<String, String> fixedBy = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = pkg.path("secfixes").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> fix = it.next();
                String version = fix.getKey().trim();
                if (version.equals("0")) {
                    continue;
                }
                for (JsonNode text : fix.getValue()) {
                    Matcher m = CVE.matcher(text.asText(""));
                    while (m.find()) {
                        fixedBy.merge(m.group(), version, (a, b) ->
                                ApkVersionComparator.INSTANCE.compare(a, b) <= 0 ? a : b);
                    }
                }
            }
            for (Map.Entry<String, String> f : fixedBy.entrySet()) {
                List<Advisory.Event> events = new ArrayList<>();
                events.add(new Advisory.Event("introduced", "0"));
                events.add(new Advisory.Event("fixed", f.getValue()));
                sink.advisoryPerPackage(new Advisory("alpine-secdb", f.getKey(), List.of(), null, null, null, null,
                        null, null, null, null, List.of(new Advisory.AffectedPackage(eco, name,
                        List.of(new Advisory.Range("ECOSYSTEM", events)), List.of(), null, null))));
            }
        }
    }
}
