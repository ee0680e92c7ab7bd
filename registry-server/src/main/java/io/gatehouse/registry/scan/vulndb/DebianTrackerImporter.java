package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.report.Severity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Debian Security Tracker's JSON ({@code security-tracker.debian.org/tracker/data/json}):
 * {@code {source package: {CVE: {description, releases: {codename: {status, fixed_version, urgency}}}}}}. Streamed
 * one source package at a time (the real file is ~70 MB). Per release: "resolved" with a version is fixed there
 * ("0" means never affected, and is skipped); "open" and "undetermined" are affected with no fix. The urgency is
 * Debian's severity; "not yet assigned" and "end-of-life" are none.
 */
public final class DebianTrackerImporter implements AdvisoryImporter {

    /**
     * The tracker names releases by codename; images name them by VERSION_ID. "sid" (unstable) has no number and
     * is kept as "Debian:sid": an image whose os-release has no VERSION_ID is testing or sid (both ship the same
     * os-release) and is matched against sid's data (see {@code Matcher.osEcosystem}).
     */
    static final Map<String, String> RELEASES = Map.of("jessie", "8", "stretch", "9", "buster", "10",
            "bullseye", "11", "bookworm", "12", "trixie", "13", "forky", "14", "duke", "15", "sid", "sid");

    @Override
    public String format() {
        return "debian-tracker";
    }

    @Override
    public void importFrom(Path path, AdvisorySink sink) throws IOException {
        try (InputStream in = Files.newInputStream(path); JsonParser p = VulnDb.JSON.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new VulnDbImportException(path + " is not Debian Security Tracker JSON (no top-level object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String pkg = p.currentName();
                p.nextToken();
                JsonNode cves = p.readValueAsTree();
                if (cves == null || !cves.isObject()) {
                    throw new VulnDbImportException(path + " is not Debian Security Tracker JSON (line "
                            + p.currentLocation().getLineNr() + ": a package that is not an object)");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = cves.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Advisory a = advisory(pkg, e.getKey(), e.getValue());
                    if (!a.affected().isEmpty()) {
                        sink.advisoryPerPackage(a);
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw VulnDbImportException.unparsable(path + " is not valid JSON", e);
        }
    }

    static Advisory advisory(String pkg, String id, JsonNode cve) {
        List<Advisory.AffectedPackage> affected = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = cve.path("releases").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> rel = it.next();
            String number = RELEASES.get(rel.getKey());
            if (number == null) {
                continue; // experimental: no image is built from it alone
            }
            JsonNode r = rel.getValue();
            String status = r.path("status").asText("");
            String fixed = r.path("fixed_version").asText(null);
            List<Advisory.Event> events = new ArrayList<>();
            events.add(new Advisory.Event("introduced", "0"));
            if (status.equals("resolved")) {
                if (fixed == null || fixed.equals("0")) {
                    continue;
                }
                events.add(new Advisory.Event("fixed", fixed));
            } else if (!status.equals("open") && !status.equals("undetermined")) {
                continue;
            }
            Severity sev = Severity.parseVendor(r.path("urgency").asText(null));
            affected.add(new Advisory.AffectedPackage("Debian:" + number, pkg,
                    List.of(new Advisory.Range("ECOSYSTEM", events)), List.of(), sev, sev == null ? null : "debian"));
        }
        String description = cve.path("description").asText(null);
        return new Advisory("debian-tracker", id, List.of(), null, description, null, null, null, null, null, null,
                affected);
    }
}
