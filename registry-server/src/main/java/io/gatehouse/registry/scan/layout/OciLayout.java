package io.gatehouse.registry.scan.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;
import io.gatehouse.registry.scan.ScanEngine;
import io.gatehouse.registry.scan.export.TrivyJsonExporter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An OCI image layout on disk (what {@code skopeo copy … oci:DIR:TAG} writes), read the way skopeo reads it: no
 * blob is trusted for its file name. Manifests and configs are hashed before they are parsed; layers are hashed
 * while the scanner streams them ({@link VerifyingInputStream}). An index yields one {@link Image} per platform
 * (attestation manifests left out), or the one asked for with {@link Platform}.
 */
public final class OciLayout {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest manifest, index or config read into memory (registries refuse manifests over 4 MiB too). */
    static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

    /** A problem with the layout or with what was asked of it, in one line. */
    public static final class LayoutException extends IOException {
        public LayoutException(String message) {
            super(message);
        }
    }

    /** os/architecture[/variant], as {@code docker --platform} and OCI index entries name platforms. */
    public record Platform(String os, String architecture, String variant) {
        public static Platform parse(String text) throws LayoutException {
            String[] p = text.toLowerCase(Locale.ROOT).split("/", -1);
            if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || p.length == 3 && p[2].isEmpty()) {
                throw new LayoutException("--platform must be os/arch[/variant] (e.g. linux/arm64/v8), got " + text);
            }
            return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
        }

        static Platform of(JsonNode n) {
            String os = n.path("os").asText(null);
            String arch = n.path("architecture").asText(null);
            return os == null || arch == null ? null : new Platform(os, arch, n.path("variant").asText(null));
        }

        /** A wanted platform without a variant matches every variant (linux/arm64 picks linux/arm64/v8). */
        boolean matches(Platform actual) {
            return actual != null && os.equals(actual.os) && architecture.equals(actual.architecture)
                    && (variant == null || variant.equals(actual.variant));
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant != null ? "/" + variant : "");
        }
    }

    /**
     * One image manifest to scan.
     *
     * @param platform its platform (from the index entry, else its config), or null when neither names one
     * @param layers   its layers in manifest order, each verified against its digest as it is read
     */
    public record Image(String manifestDigest, Platform platform, String configDigest, JsonNode config,
                        List<ScanEngine.Layer> layers) {
        /** What the Trivy export needs to place findings: config digest, layer order, config. */
        public TrivyJsonExporter.Image trivy() {
            return new TrivyJsonExporter.Image(configDigest, layers.stream().map(ScanEngine.Layer::digest).toList(),
                    config);
        }

        public String describe() {
            return (platform != null ? platform + " " : "") + manifestDigest;
        }
    }

    private final Path dir;
    private final Path blobs;

    private OciLayout(Path dir) {
        this.dir = dir;
        this.blobs = dir.resolve("blobs").normalize();
    }

    public static OciLayout open(Path dir) throws LayoutException {
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw new LayoutException(dir + " is not an OCI image layout (no index.json)");
        }
        return new OciLayout(dir);
    }

    /**
     * The images to scan for {@code tag} (null: the first entry of index.json): the one manifest, or every platform
     * of an index, or only {@code wanted}'s.
     */
    public List<Image> images(String tag, Platform wanted) throws IOException {
        JsonNode index = parse(Files.readAllBytes(dir.resolve("index.json")), "index.json");
        JsonNode chosen = null;
        for (JsonNode m : index.path("manifests")) {
            String ref = m.path("annotations").path("org.opencontainers.image.ref.name").asText(null);
            if (tag == null || tag.equals(ref)) {
                chosen = m;
                break;
            }
        }
        if (chosen == null) {
            throw new LayoutException("no manifest" + (tag == null ? "" : " tagged " + tag) + " in " + dir);
        }
        Digest digest = digest(chosen);
        JsonNode manifest = parse(readVerified(digest), "manifest " + digest);
        if (!MediaTypes.isIndex(chosen.path("mediaType").asText()) && !manifest.has("manifests")) {
            Image image = image(digest, manifest, Platform.of(chosen.path("platform")));
            if (wanted != null && !wanted.matches(image.platform())) {
                throw new LayoutException("the image is " + (image.platform() != null ? image.platform()
                        : "of no stated platform") + ", not " + wanted);
            }
            return List.of(image);
        }
        List<Image> images = new ArrayList<>();
        List<String> available = new ArrayList<>();
        for (JsonNode child : manifest.path("manifests")) {
            String type = child.path("annotations").path("vnd.docker.reference.type").asText("");
            if (type.equals("attestation-manifest") || MediaTypes.isIndex(child.path("mediaType").asText())) {
                continue; // build attestations are not images; nested indexes are not what skopeo writes
            }
            Platform p = Platform.of(child.path("platform"));
            available.add(String.valueOf(p));
            if (wanted == null || wanted.matches(p)) {
                Digest d = digest(child);
                images.add(image(d, parse(readVerified(d), "manifest " + d), p));
            }
        }
        if (images.isEmpty()) {
            throw new LayoutException(wanted == null ? "the image index " + digest + " lists no image manifests"
                    : "no " + wanted + " image in the index (it has " + String.join(", ", available) + ")");
        }
        return images;
    }

    private Image image(Digest manifestDigest, JsonNode manifest, Platform fromIndex) throws IOException {
        JsonNode configDescriptor = manifest.path("config");
        Digest configDigest = digest(configDescriptor);
        JsonNode config = parse(readVerified(configDigest), "config " + configDigest);
        Platform platform = fromIndex != null ? fromIndex : Platform.of(config);
        List<ScanEngine.Layer> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            Digest ld = digest(l);
            Path file = file(ld);
            long size = Files.size(file);
            if (l.has("size") && l.path("size").asLong() != size) {
                throw new BlobDigestException("blob " + ld + " in " + dir + " is " + size + " bytes, the manifest "
                        + manifestDigest + " says " + l.path("size").asLong() + ": the layout was altered or damaged");
            }
            layers.add(new ScanEngine.Layer(ld.toString(),
                    () -> new VerifyingInputStream(Files.newInputStream(file), ld, dir.toString())));
        }
        return new Image(manifestDigest.toString(), platform, configDigest.toString(),
                config.isObject() ? config : null, layers);
    }

    /** A manifest or config, read whole (bounded) and checked against its digest before anything parses it. */
    private byte[] readVerified(Digest d) throws IOException {
        Path file = file(d);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_JSON_BYTES + 1);
        }
        if (bytes.length > MAX_JSON_BYTES) {
            throw new LayoutException("blob " + d + " in " + dir + " is larger than " + MAX_JSON_BYTES
                    + " bytes, too large for a manifest or config");
        }
        VerifyingInputStream.check(d, Digest.of(d.algorithm(), bytes), dir.toString());
        return bytes;
    }

    private Path file(Digest d) throws LayoutException {
        Path p = blobs.resolve(d.algorithm()).resolve(d.hex()).normalize();
        if (!p.startsWith(blobs) || !Files.isRegularFile(p)) {
            throw new LayoutException("blob " + d + " is not in the layout " + dir);
        }
        return p;
    }

    private static Digest digest(JsonNode descriptor) throws LayoutException {
        String text = descriptor.path("digest").asText("");
        try {
            return Digest.parse(text);
        } catch (InvalidDigestException e) {
            throw new LayoutException("a descriptor has no valid digest ('" + text + "'): " + e.getMessage());
        }
    }

    private static JsonNode parse(byte[] bytes, String what) throws LayoutException {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new LayoutException(what + " is not valid JSON");
        }
    }
}
