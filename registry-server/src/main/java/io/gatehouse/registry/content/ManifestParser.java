package io.gatehouse.registry.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads what the registry needs from a pushed manifest (its type, the blobs and child manifests it references,
 * its subject, artifactType and annotations) from a Jackson tree, without re-serialising it: the stored bytes
 * are always exactly the pushed bytes.
 */
final class ManifestParser {
    static final ObjectMapper JSON = new ObjectMapper();

    record Parsed(String mediaType, Set<String> blobs, Set<String> children, String subject, String artifactType,
                  String annotationsJson) {
    }

    private ManifestParser() {
    }

    static Parsed parse(byte[] bytes, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw OciError.manifestInvalid("manifest is not valid JSON: " + firstLine(e.getMessage())).exception();
        }
        if (root == null || !root.isObject()) throw OciError.manifestInvalid("manifest must be a JSON object").exception();
        String ct = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (ct.equals("application/octet-stream") || ct.equals("application/json")) ct = "";
        String field = text(root, "mediaType");
        if (!ct.isEmpty() && field != null && !field.equals(ct)) {
            throw OciError.manifestInvalid("Content-Type " + ct + " does not match the manifest's mediaType " + field).exception();
        }
        String type = !ct.isEmpty() ? ct : field != null ? field : root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        if (!MediaTypes.MANIFESTS.contains(type)) {
            throw new OciError(400, "MANIFEST_INVALID", "unsupported manifest media type " + type
                    + " (accepted: OCI image manifest and index, Docker schema 2 manifest and manifest list)").exception();
        }
        JsonNode sv = root.get("schemaVersion");
        if (sv == null || !sv.isInt() || sv.asInt() != 2) throw OciError.manifestInvalid("schemaVersion must be 2").exception();

        Set<String> blobs = new LinkedHashSet<>();
        Set<String> children = new LinkedHashSet<>();
        String artifactType = text(root, "artifactType");
        if (MediaTypes.isIndex(type)) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) throw OciError.manifestInvalid("an index needs a manifests array").exception();
            for (JsonNode d : manifests) children.add(descriptorDigest(d, "manifests[]"));
        } else {
            JsonNode config = root.get("config");
            if (config == null || !config.isObject()) throw OciError.manifestInvalid("an image manifest needs a config descriptor").exception();
            blobs.add(descriptorDigest(config, "config"));
            JsonNode layers = root.get("layers");
            if (layers != null && !layers.isNull()) {
                if (!layers.isArray()) throw OciError.manifestInvalid("layers must be an array").exception();
                for (JsonNode d : layers) {
                    String digest = descriptorDigest(d, "layers[]");
                    JsonNode urls = d.get("urls");
                    // Foreign (non-distributable) layers live elsewhere; the registry does not hold them.
                    boolean foreign = urls != null && urls.isArray() && !urls.isEmpty();
                    if (!foreign) blobs.add(digest);
                }
            } else if (type.equals(MediaTypes.DOCKER_MANIFEST)) {
                throw OciError.manifestInvalid("a Docker schema 2 manifest needs a layers array").exception();
            }
            if (artifactType == null) artifactType = text(config, "mediaType");
        }
        String subject = null;
        JsonNode subj = root.get("subject");
        if (subj != null && !subj.isNull()) subject = descriptorDigest(subj, "subject");
        JsonNode ann = root.get("annotations");
        String annotations = ann != null && ann.isObject() && !ann.isEmpty() ? ann.toString() : null;
        return new Parsed(type, blobs, children, subject, artifactType, annotations);
    }

    private static String descriptorDigest(JsonNode d, String where) {
        if (d == null || !d.isObject()) throw OciError.manifestInvalid(where + " must be a descriptor object").exception();
        String digest = text(d, "digest");
        if (digest == null) throw OciError.manifestInvalid(where + " has no digest").exception();
        try {
            Digest.parse(digest);
        } catch (InvalidDigestException e) {
            throw OciError.manifestInvalid(where + ": " + e.getMessage()).exception();
        }
        JsonNode size = d.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw OciError.manifestInvalid(where + " " + digest + " has no valid size").exception();
        }
        return digest;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
