package io.gatehouse.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest exactly as a registry served it: the bytes (whose digest is the manifest's identity, so they are never
 * re-serialised when copied), their media type and digest, and the parsed form: either an {@link ImageManifest} or an
 * {@link ImageIndex}.
 */
public final class Manifest {
    /** The distribution-spec lets registries refuse manifests above 4 MiB; so do we when reading. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private final byte[] bytes;
    private final String mediaType;
    private final Digest digest;
    private final ImageManifest image;
    private final ImageIndex index;

    private Manifest(byte[] bytes, String mediaType, Digest digest, ImageManifest image, ImageIndex index) {
        this.bytes = bytes;
        this.mediaType = mediaType;
        this.digest = digest;
        this.image = image;
        this.index = index;
    }

    /** Parses with sha256 as the digest algorithm. */
    public static Manifest parse(byte[] bytes, String contentType) {
        return parse(bytes, contentType, "sha256");
    }

    /**
     * @param contentType the Content-Type the registry sent (used when the body has no mediaType field, as Docker
     *                    schema 2 bodies always have and OCI bodies may omit)
     */
    public static Manifest parse(byte[] bytes, String contentType, String digestAlgorithm) {
        if (bytes.length > MAX_BYTES) throw new InvalidManifestException("manifest is larger than 4 MiB (" + bytes.length + " bytes)");
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidManifestException("manifest is not valid JSON: " + shortReason(e));
        }
        if (tree == null || !tree.isObject()) throw new InvalidManifestException("manifest is not a JSON object");
        int schemaVersion = tree.path("schemaVersion").asInt(-1);
        if (schemaVersion == 1) throw new InvalidManifestException("Docker schema 1 manifests are not supported (deprecated since 2017); re-push the image with a current client");
        if (schemaVersion != 2) throw new InvalidManifestException("manifest schemaVersion must be 2, got " + tree.path("schemaVersion"));
        String bodyType = tree.path("mediaType").isTextual() ? tree.path("mediaType").asText() : null;
        String ct = contentType == null ? null : contentType.split(";")[0].strip();
        String type = bodyType != null ? bodyType : ct;
        if (bodyType != null && ct != null && MediaTypes.MANIFESTS.contains(ct) && !ct.equals(bodyType)) {
            throw new InvalidManifestException("manifest mediaType " + bodyType + " contradicts its Content-Type " + ct);
        }
        if (bodyType != null && !MediaTypes.MANIFESTS.contains(bodyType)) {
            // the image-spec: mediaType, when present, MUST be the manifest's or index's own type; guessing by shape
            // here gave a manifest whose own mediaType no longer parses once written back
            throw new InvalidManifestException("unsupported manifest media type " + bodyType);
        }
        boolean looksIndex = tree.has("manifests");
        boolean looksImage = tree.has("config") || tree.has("layers");
        if (looksIndex && looksImage) throw new InvalidManifestException("manifest has both 'manifests' and 'config'/'layers'");
        if (type == null || !MediaTypes.MANIFESTS.contains(type)) {
            // an OCI body without mediaType served as octet-stream: decide by shape, as the image-spec allows
            if (looksIndex) type = MediaTypes.OCI_INDEX;
            else if (looksImage) type = MediaTypes.OCI_MANIFEST;
            else throw new InvalidManifestException("unsupported manifest media type " + type);
        }
        Digest digest = Digest.fromBytes(digestAlgorithm, Digest.newMessageDigest(digestAlgorithm).digest(bytes));
        try {
            if (MediaTypes.isIndex(type)) {
                if (looksImage) throw new InvalidManifestException("index has 'config'/'layers' fields");
                ImageIndex idx = Json.MAPPER.treeToValue(tree, ImageIndex.class);
                return new Manifest(bytes, type, digest, null, idx);
            }
            if (looksIndex) throw new InvalidManifestException("image manifest has a 'manifests' field");
            ImageManifest img = Json.MAPPER.treeToValue(tree, ImageManifest.class);
            return new Manifest(bytes, type, digest, img, null);
        } catch (JsonProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            if (root instanceof IllegalArgumentException iae) throw new InvalidManifestException("malformed manifest: " + iae.getMessage(), e);
            throw new InvalidManifestException("malformed manifest: " + shortReason(e), e);
        }
    }

    /** Wraps a manifest we built ourselves (serialises once; these bytes are then the identity). */
    public static Manifest of(ImageIndex index) {
        return parse(write(index), index.mediaType() != null ? index.mediaType() : MediaTypes.OCI_INDEX);
    }

    public static Manifest of(ImageManifest m) {
        return parse(write(m), m.mediaType() != null ? m.mediaType() : MediaTypes.OCI_MANIFEST);
    }

    static byte[] write(Object o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes without a defensive copy, for streaming to a socket. Do not modify. */
    public byte[] rawBytes() {
        return bytes;
    }

    public int size() {
        return bytes.length;
    }

    public String mediaType() {
        return mediaType;
    }

    public Digest digest() {
        return digest;
    }

    public boolean isIndex() {
        return index != null;
    }

    public ImageIndex index() {
        if (index == null) throw new IllegalStateException("not an index: " + mediaType);
        return index;
    }

    public ImageManifest image() {
        if (image == null) throw new IllegalStateException("not an image manifest: " + mediaType);
        return image;
    }

    /** The subject this manifest refers to (signatures, attestations), if any. */
    public Descriptor subject() {
        return image != null ? image.subject() : index.subject();
    }

    public String artifactType() {
        if (image != null) return image.artifactType() != null ? image.artifactType() : image.config().mediaType();
        return index.artifactType();
    }

    /** Everything this manifest needs to exist first: blobs for an image, child manifests for an index. */
    public List<Descriptor> references() {
        return image != null ? image.blobs() : new ArrayList<>(index.manifests());
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    private static String shortReason(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        if (nl > 0) m = m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    @Override
    public String toString() {
        return mediaType + " " + digest + " (" + bytes.length + " bytes)";
    }
}
