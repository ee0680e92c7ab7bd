package io.gatehouse.core.sign;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The "simple signing" payload cosign signs (sigstore/cosign specs/SIGNATURE_SPEC.md):
 * <pre>{"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},"type":"cosign container image signature"},"optional":{…}|null}</pre>
 * Parsing is as strict as containers/image: {@code critical} and its parts must hold exactly these fields, so a payload
 * we accept is one skopeo/podman would accept too. {@code optional} is free-form (cosign writes null, skopeo a creator
 * and a timestamp) and is never trusted for decisions.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, Map<String, Object> optional) {
    public static final String TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public SimpleSigningPayload {
        Objects.requireNonNull(dockerReference, "dockerReference");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        if (dockerReference.isBlank()) throw new IllegalArgumentException("docker-reference is empty");
        optional = optional == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(optional));
    }

    /** The bytes that get signed; field order as cosign writes them. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
        critical.put("type", TYPE);
        if (optional.isEmpty()) root.putNull("optional");
        else root.set("optional", JSON.valueToTree(optional));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Strict parse; {@link InvalidSignatureException} says what is wrong. */
    public static SimpleSigningPayload parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidSignatureException("payload is not valid JSON");
        }
        requireExactly(root, "payload", Set.of("critical", "optional"));
        JsonNode critical = root.get("critical");
        requireExactly(critical, "critical", Set.of("identity", "image", "type"));
        if (!TYPE.equals(critical.get("type").asText(null))) {
            throw new InvalidSignatureException("unrecognized signature type '" + critical.get("type").asText("") + "'");
        }
        requireExactly(critical.get("image"), "critical.image", Set.of("docker-manifest-digest"));
        requireExactly(critical.get("identity"), "critical.identity", Set.of("docker-reference"));
        JsonNode digestNode = critical.get("image").get("docker-manifest-digest");
        JsonNode refNode = critical.get("identity").get("docker-reference");
        if (!digestNode.isTextual() || !refNode.isTextual() || refNode.asText().isBlank()) {
            throw new InvalidSignatureException("docker-manifest-digest and docker-reference must be non-empty strings");
        }
        Digest digest;
        try {
            digest = Digest.parse(digestNode.asText());
        } catch (InvalidDigestException e) {
            throw new InvalidSignatureException("invalid docker-manifest-digest: " + e.getMessage());
        }
        JsonNode optional = root.get("optional");
        Map<String, Object> opt = Map.of();
        if (!optional.isNull()) {
            if (!optional.isObject()) throw new InvalidSignatureException("optional must be an object or null");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(optional, LinkedHashMap.class);
            opt = m;
        }
        return new SimpleSigningPayload(refNode.asText(), digest, opt);
    }

    private static void requireExactly(JsonNode node, String where, Set<String> fields) {
        if (node == null || !node.isObject()) throw new InvalidSignatureException(where + " must be a JSON object");
        for (String f : fields) {
            if (!node.has(f)) throw new InvalidSignatureException(where + " lacks field '" + f + "'");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) throw new InvalidSignatureException(where + " has unexpected field '" + f + "'");
        }
    }
}
