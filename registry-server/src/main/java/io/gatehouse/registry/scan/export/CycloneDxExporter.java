package io.gatehouse.registry.scan.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.report.Package;
import io.gatehouse.core.report.Sbom;
import io.gatehouse.registry.scan.ScanEngine;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An SBOM as CycloneDX 1.5 JSON (cyclonedx.org/docs/1.5/json): the image as {@code metadata.component} (type
 * container), the OS as an operating-system component, every package as a library with its purl; the layer and
 * the file each package was found in are {@code gatehouse:layer} / {@code gatehouse:location} properties.
 * The serial number is derived from the image digest and SBOM time, so exporting the same SBOM twice gives the
 * same document.
 */
public final class CycloneDxExporter {
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CycloneDxExporter() {
    }

    public static ObjectNode toJson(Sbom sbom, String imageName) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.5");
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes((sbom.imageDigest() + "|" + sbom.createdAt())
                .getBytes(StandardCharsets.UTF_8)));
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", sbom.createdAt());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", "gatehouse");
        tool.put("version", ScanEngine.SCANNER_VERSION);
        ObjectNode image = metadata.putObject("component");
        image.put("bom-ref", sbom.imageDigest());
        image.put("type", "container");
        image.put("name", imageName != null ? imageName : sbom.imageDigest());
        image.put("version", sbom.imageDigest());

        ArrayNode components = bom.putArray("components");
        if (sbom.os() != null) {
            ObjectNode os = components.addObject();
            os.put("bom-ref", "os:" + sbom.os().id() + "@" + sbom.os().versionId());
            os.put("type", "operating-system");
            os.put("name", sbom.os().id());
            if (sbom.os().versionId() != null) {
                os.put("version", sbom.os().versionId());
            }
            if (sbom.os().prettyName() != null) {
                os.put("description", sbom.os().prettyName());
            }
        }
        int n = 0;
        for (Package p : sbom.packages()) {
            ObjectNode c = components.addObject();
            c.put("bom-ref", p.purl() + "#" + (n++));
            c.put("type", "library");
            String name = p.name();
            if (p.type().equals("maven") && name.contains(":")) {
                c.put("group", name.substring(0, name.indexOf(':')));
                name = name.substring(name.indexOf(':') + 1);
            }
            c.put("name", name);
            c.put("version", p.version());
            c.put("purl", p.purl());
            ArrayNode props = c.putArray("properties");
            prop(props, "gatehouse:package-type", p.type());
            prop(props, "gatehouse:layer", p.layerDigest());
            prop(props, "gatehouse:location", p.location());
            if (p.sourceName() != null && !p.sourceName().equals(p.name())) {
                prop(props, "gatehouse:source-package", p.sourceName());
            }
            if (p.sourceVersion() != null && !p.sourceVersion().equals(p.version())) {
                prop(props, "gatehouse:source-version", p.sourceVersion());
            }
        }
        return bom;
    }

    private static void prop(ArrayNode props, String name, String value) {
        if (value != null) {
            ObjectNode o = props.addObject();
            o.put("name", name);
            o.put("value", value);
        }
    }

    public static byte[] toBytes(Sbom sbom, String imageName) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(sbom, imageName));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
