package io.gatehouse.registry.scan.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report in the shape of Trivy's JSON output (schema version 2), so dashboards and tools that read Trivy reports
 * read ours: one result per target — the OS packages as "&lt;image&gt; (&lt;os&gt; &lt;version&gt;)" with class
 * os-pkgs, each language-package file (a jar, a package.json, a METADATA) as lang-pkgs — each with
 * its Vulnerabilities (VulnerabilityID, PkgName, InstalledVersion, FixedVersion, Status fixed/affected, Layer,
 * Severity, SeveritySource, CVSS…).
 *
 * <p>Given the image's config ({@link Image}), it also writes what tools need to place a finding in the image:
 * {@code Metadata.ImageID} (the config's digest, as Trivy and Docker name an image), {@code Metadata.DiffIDs} (the
 * config's rootfs.diff_ids), {@code Metadata.ImageConfig} (the config itself) and each finding's
 * {@code Layer.DiffID} beside its {@code Layer.Digest}.
 */
public final class TrivyJsonExporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrivyJsonExporter() {
    }

    /**
     * The scanned image's config and its layers in manifest order (the i-th layer's DiffID is the config's i-th
     * rootfs.diff_ids entry).
     *
     * @param configDigest digest of the config blob (Trivy's ImageID)
     * @param layerDigests the manifest's layer digests, in order
     * @param config       the config JSON, or null when it could not be read
     */
    public record Image(String configDigest, List<String> layerDigests, JsonNode config) {
        public Image {
            layerDigests = List.copyOf(layerDigests);
        }

        List<String> diffIds() {
            List<String> ids = new java.util.ArrayList<>();
            if (config != null) {
                config.path("rootfs").path("diff_ids").forEach(d -> ids.add(d.asText()));
            }
            return ids;
        }

        /** Layer digest → DiffID, only when the config names one DiffID per manifest layer (else it would lie). */
        Map<String, String> diffIdByLayer() {
            List<String> ids = diffIds();
            Map<String, String> m = new java.util.HashMap<>();
            if (ids.size() == layerDigests.size()) {
                for (int i = 0; i < ids.size(); i++) {
                    m.put(layerDigests.get(i), ids.get(i));
                }
            }
            return m;
        }
    }

    public static ObjectNode toJson(ScanReport report, String artifactName) {
        return toJson(report, artifactName, null);
    }

    public static ObjectNode toJson(ScanReport report, String artifactName, Image image) {
        ObjectNode root = JSON.createObjectNode();
        root.put("SchemaVersion", 2);
        root.put("CreatedAt", report.finishedAt());
        root.put("ArtifactName", artifactName);
        root.put("ArtifactType", "container_image");
        ObjectNode metadata = root.putObject("Metadata");
        if (report.os() != null) {
            ObjectNode os = metadata.putObject("OS");
            os.put("Family", report.os().id());
            os.put("Name", osName(report));
        }
        if (image != null) {
            metadata.put("ImageID", image.configDigest());
            ArrayNode diffIds = metadata.putArray("DiffIDs");
            image.diffIds().forEach(diffIds::add);
        }
        metadata.putArray("RepoDigests").add(artifactName.contains("@") ? artifactName
                : (report.repository() != null ? report.repository() : artifactName) + "@" + report.imageDigest());
        if (image != null && image.config() != null) {
            metadata.set("ImageConfig", image.config());
        }
        Map<String, String> diffIdByLayer = image == null ? Map.of() : image.diffIdByLayer();

        Map<String, ObjectNode> results = new LinkedHashMap<>();
        ArrayNode resultArray = root.putArray("Results");
        String osTarget = artifactName + (report.os() != null ? " (" + report.os().id() + " " + osName(report) + ")"
                : "");
        for (Finding f : report.findings()) {
            boolean os = f.packageType().equals("deb") || f.packageType().equals("apk");
            String target = os ? osTarget : f.location();
            ObjectNode result = results.computeIfAbsent(target, t -> {
                ObjectNode r = resultArray.addObject();
                r.put("Target", t);
                r.put("Class", os ? "os-pkgs" : "lang-pkgs");
                r.put("Type", os ? report.os() != null ? report.os().id() : f.packageType() : langType(f));
                r.putArray("Vulnerabilities");
                return r;
            });
            ObjectNode v = ((ArrayNode) result.get("Vulnerabilities")).addObject();
            v.put("VulnerabilityID", f.vulnerabilityId());
            List<String> vendorIds = f.aliases().stream().filter(a -> !a.startsWith("CVE-")).toList();
            if (!vendorIds.isEmpty()) {
                ArrayNode ids = v.putArray("VendorIDs");
                vendorIds.forEach(ids::add);
            }
            v.put("PkgID", f.packageName() + "@" + f.installedVersion());
            v.put("PkgName", f.packageName());
            v.putObject("PkgIdentifier").put("PURL", f.purl());
            if (f.location() != null && !os) {
                v.put("PkgPath", f.location());
            }
            v.put("InstalledVersion", f.installedVersion());
            if (f.fixable()) {
                v.put("FixedVersion", f.fixedVersion());
            }
            v.put("Status", f.fixable() ? "fixed" : "affected");
            ObjectNode layer = v.putObject("Layer");
            layer.put("Digest", f.layerDigest());
            if (diffIdByLayer.containsKey(f.layerDigest())) {
                layer.put("DiffID", diffIdByLayer.get(f.layerDigest()));
            }
            if (f.severitySource() != null) {
                v.put("SeveritySource", f.severitySource());
            }
            if (f.vulnerabilityId().startsWith("CVE-")) {
                v.put("PrimaryURL", "https://nvd.nist.gov/vuln/detail/" + f.vulnerabilityId());
            } else if (f.vulnerabilityId().startsWith("GHSA-")) {
                v.put("PrimaryURL", "https://github.com/advisories/" + f.vulnerabilityId());
            }
            ObjectNode ds = v.putObject("DataSource");
            ds.put("ID", f.dataSource());
            ds.put("Name", dataSourceName(f.dataSource()));
            if (f.title() != null) {
                v.put("Title", f.title());
            }
            if (f.description() != null) {
                v.put("Description", f.description());
            }
            v.put("Severity", f.severity().name());
            if (f.cvssScore() != null) {
                ObjectNode cvss = v.putObject("CVSS").putObject("nvd");
                boolean v4 = f.cvssVector() != null && f.cvssVector().startsWith("CVSS:4");
                if (f.cvssVector() != null) {
                    cvss.put(v4 ? "V40Vector" : "V3Vector", f.cvssVector());
                }
                cvss.put(v4 ? "V40Score" : "V3Score", f.cvssScore());
            }
        }
        return root;
    }

    /** Trivy's OS name: the version, or for Debian testing/sid (no VERSION_ID) "trixie/sid" as debian_version says. */
    private static String osName(ScanReport report) {
        if (report.os().versionId() != null) {
            return report.os().versionId();
        }
        String codename = report.os().codename();
        return "debian".equals(report.os().id()) ? (codename != null ? codename + "/sid" : "sid") : codename;
    }

    private static String langType(Finding f) {
        return switch (f.packageType()) {
            case "maven" -> "jar";
            case "npm" -> f.location() != null && f.location().endsWith("package-lock.json") ? "npm" : "node-pkg";
            case "pypi" -> "python-pkg";
            default -> f.packageType();
        };
    }

    private static String dataSourceName(String id) {
        return switch (id == null ? "" : id) {
            case "ghsa" -> "GitHub Security Advisory";
            case "debian-tracker" -> "Debian Security Tracker";
            case "debian", "debian-changelog" -> "Debian OSV";
            case "alpine-secdb" -> "Alpine Secdb";
            case "alpine" -> "Alpine OSV";
            case "ubuntu" -> "Ubuntu OSV";
            default -> "OSV";
        };
    }

    public static byte[] toBytes(ScanReport report, String artifactName) {
        return toBytes(report, artifactName, null);
    }

    public static byte[] toBytes(ScanReport report, String artifactName, Image image) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(report, artifactName, image));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
