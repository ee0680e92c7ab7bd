package io.gatehouse.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cosign's signature storage: an OCI image manifest tagged {@code sha256-<hex>.sig} in the image's repository, one
 * layer per signature (media type {@value #SIMPLE_SIGNING_MEDIA_TYPE}, the payload as blob, the signature in the
 * {@value #SIGNATURE_ANNOTATION} annotation). New signatures are appended as layers, as cosign does.
 *
 * <p>We also write a {@code subject} (the signed image) and an {@code artifactType}, so registries with the OCI 1.1
 * referrers API list the signature under the image. cosign (tag lookup) and containers/image ignore both fields —
 * the interoperability tests sign with them and verify with cosign and skopeo. Existing layers, including ones with
 * cosign's certificate/bundle annotations, are preserved byte for byte in the descriptors.
 */
public final class SignatureManifest {
    public static final String SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    /** The artifact type cosign uses for signatures stored as OCI 1.1 referrers. */
    public static final String ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
    /** Payloads are small JSON documents; anything bigger is refused before it is read. */
    public static final long MAX_PAYLOAD_SIZE = 128 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignatureManifest() {
    }

    /** {@code sha256-<hex>.sig}, the tag cosign and containers/image look up. */
    public static String tagFor(Digest image) {
        return image.toTagForm() + ".sig";
    }

    /** The layers of a .sig manifest; {@link InvalidSignatureException} if it is not an image manifest. */
    public static List<SignatureLayer> layers(byte[] manifest) {
        JsonNode root = readManifest(manifest);
        List<SignatureLayer> out = new ArrayList<>();
        JsonNode layers = root.path("layers");
        if (!layers.isArray()) throw new InvalidSignatureException("signature manifest has no layers array");
        for (JsonNode l : layers) {
            Map<String, String> ann = new LinkedHashMap<>();
            JsonNode a = l.path("annotations");
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isTextual()) ann.put(e.getKey(), e.getValue().asText());
            }
            Digest d;
            try {
                d = Digest.parse(l.path("digest").asText(""));
            } catch (InvalidDigestException e) {
                throw new InvalidSignatureException("signature manifest layer has an invalid digest: " + e.getMessage());
            }
            out.add(new SignatureLayer(l.path("mediaType").asText(""), d, l.path("size").asLong(-1), ann));
        }
        return out;
    }

    /**
     * The artifacts for {@code existing} (null when the image has no .sig yet) plus {@code signature}.
     *
     * @param subject the signed image manifest, for the referrers API; null leaves the subject out
     */
    public static SignatureArtifacts append(byte[] existing, Digest image, CosignSignature signature, Subject subject) {
        ArrayNode layers = JSON.createArrayNode();
        JsonNode existingSubject = null;
        Map<String, String> existingAnnotations = null;
        Digest payloadDigest = signature.payloadDigest();
        boolean duplicate = false;
        if (existing != null) {
            JsonNode root = readManifest(existing);
            for (JsonNode l : root.path("layers")) {
                layers.add(l.deepCopy());
                if (l.path("digest").asText("").equals(payloadDigest.toString())
                        && l.path("annotations").path(SIGNATURE_ANNOTATION).asText("").equals(signature.base64Signature())) {
                    duplicate = true;
                }
            }
            if (root.has("subject")) existingSubject = root.get("subject");
            if (root.path("annotations").isObject()) {
                existingAnnotations = new LinkedHashMap<>();
                for (var it = root.get("annotations").fields(); it.hasNext(); ) {
                    var e = it.next();
                    existingAnnotations.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        List<SignatureArtifacts.Blob> blobs = new ArrayList<>();
        if (!duplicate) {
            ObjectNode layer = layers.addObject();
            layer.put("mediaType", SIMPLE_SIGNING_MEDIA_TYPE);
            layer.put("size", signature.payload().length);
            layer.put("digest", payloadDigest.toString());
            layer.putObject("annotations").put(SIGNATURE_ANNOTATION, signature.base64Signature());
            blobs.add(new SignatureArtifacts.Blob(payloadDigest, SIMPLE_SIGNING_MEDIA_TYPE, signature.payload()));
        }
        // A config like the one cosign writes (an image config whose diff_ids are the payload digests), so tools that
        // treat the .sig as an ordinary image still find a consistent one.
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "");
        config.put("created", "0001-01-01T00:00:00Z");
        config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
        config.put("os", "");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (JsonNode l : layers) diffIds.add(l.path("digest").asText());
        config.putObject("config");
        byte[] configBytes = bytes(config);
        Digest configDigest = Digest.sha256(configBytes);
        blobs.add(0, new SignatureArtifacts.Blob(configDigest, MediaTypes.OCI_CONFIG, configBytes));

        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", ARTIFACT_TYPE);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", MediaTypes.OCI_CONFIG);
        c.put("size", configBytes.length);
        c.put("digest", configDigest.toString());
        m.set("layers", layers);
        if (existingSubject != null) {
            m.set("subject", existingSubject.deepCopy());
        } else if (subject != null) {
            if (!subject.digest().equals(image)) throw new IllegalArgumentException("subject digest differs from the signed image digest");
            ObjectNode s = m.putObject("subject");
            s.put("mediaType", subject.mediaType());
            s.put("size", subject.size());
            s.put("digest", subject.digest().toString());
        }
        if (existingAnnotations != null) m.set("annotations", JSON.valueToTree(existingAnnotations));
        byte[] manifestBytes = bytes(m);
        return new SignatureArtifacts(tagFor(image), MediaTypes.OCI_MANIFEST, manifestBytes, Digest.sha256(manifestBytes), blobs, !duplicate);
    }

    private static JsonNode readManifest(byte[] manifest) {
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new InvalidSignatureException("signature manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) throw new InvalidSignatureException("signature manifest is not a JSON object");
        String mt = root.path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        if (!MediaTypes.isImageManifest(mt)) throw new InvalidSignatureException("signature manifest has media type " + mt + ", expected an image manifest");
        return root;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
