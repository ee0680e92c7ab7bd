package io.gatehouse.testing;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.ImageManifest;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds real (small) container images in memory for tests, as core's own model objects (Manifest, Descriptor,
 * Platform) so they can be pushed with {@link RegistryClient} and shared layers reused across tags (what mirroring
 * tests need). The "integ" engineer's {@link TestImages} is the string/JSON-level twin used by the registry tests.
 * Contents: gzip'd tar layers of random bytes, an image config with
 * matching diff_ids, OCI or Docker manifests, and multi-platform indexes. Push them with a {@link RegistryClient}
 * (blobs first, then manifests) to Distribution or our registry.
 */
public final class ModelTestImages {
    private ModelTestImages() {
    }

    public record Blob(String mediaType, byte[] bytes, Digest digest) {
        public Descriptor descriptor() {
            return Descriptor.of(mediaType, digest, bytes.length);
        }
    }

    public record Image(Platform platform, Blob config, List<Blob> layers, Manifest manifest) {
        public List<Blob> blobs() {
            List<Blob> all = new ArrayList<>(layers);
            all.add(config);
            return all;
        }

        public long totalBlobBytes() {
            return blobs().stream().mapToLong(b -> b.bytes().length).sum();
        }

        /** Pushes blobs then the manifest under {@code reference} (a tag or the digest). */
        public void push(RegistryClient client, RepositoryName repo, String reference) {
            for (Blob b : blobs()) {
                if (client.headBlob(repo, b.digest()).isEmpty()) client.uploadBlob(repo, b.digest(), b.bytes());
            }
            client.putManifest(repo, reference, manifest);
        }
    }

    public record MultiPlatform(List<Image> images, Manifest index) {
        public void push(RegistryClient client, RepositoryName repo, String tag) {
            for (Image i : images) i.push(client, repo, i.manifest().digest().toString());
            client.putManifest(repo, tag, index);
        }

        public Image image(String platform) {
            Platform p = Platform.parse(platform);
            return images.stream().filter(i -> i.platform().satisfies(p)).findFirst().orElseThrow();
        }
    }

    private static final Random SEEDS = new Random();

    /** A gzip'd tar holding one file of {@code size} random bytes (incompressible, so the blob is about that big). */
    public static Blob randomLayer(int size) {
        return randomLayer(size, SEEDS.nextLong());
    }

    public static Blob randomLayer(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return layer("data-" + Long.toHexString(seed) + ".bin", content);
    }

    public static Blob layer(String fileName, byte[] content) {
        byte[] tar = tar(fileName, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzBytes = out.toByteArray();
        return new Blob(MediaTypes.OCI_LAYER_GZIP, gzBytes, Digest.sha256(gzBytes));
    }

    public static Image image(String platform, Blob... layers) {
        return image(Platform.parse(platform), false, List.of(layers), Map.of());
    }

    /** An image; {@code docker} selects Docker schema 2 media types instead of OCI. */
    public static Image image(Platform platform, boolean docker, List<Blob> layers, Map<String, String> annotations) {
        List<Blob> ls = new ArrayList<>();
        StringBuilder diffIds = new StringBuilder();
        for (Blob l : layers) {
            Blob typed = new Blob(docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP, l.bytes(), l.digest());
            ls.add(typed);
            if (diffIds.length() > 0) diffIds.append(',');
            diffIds.append('"').append(Digest.sha256(gunzip(l.bytes()))).append('"');
        }
        String configJson = "{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os() + "\""
                + (platform.variant() != null ? ",\"variant\":\"" + platform.variant() + "\"" : "")
                + ",\"config\":{\"Env\":[\"PATH=/usr/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},"
                + "\"created\":\"2026-01-01T00:00:00Z\",\"history\":[{\"created_by\":\"gatehouse ModelTestImages " + SEEDS.nextLong() + "\"}]}";
        byte[] cfg = configJson.getBytes(StandardCharsets.UTF_8);
        Blob config = new Blob(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, cfg, Digest.sha256(cfg));
        ImageManifest m = new ImageManifest(2, docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST, null,
                config.descriptor(), ls.stream().map(Blob::descriptor).toList(), null, annotations);
        return new Image(platform, config, ls, Manifest.of(m));
    }

    /** A multi-platform index over the images (OCI index, or Docker manifest list when {@code docker}). */
    public static MultiPlatform index(boolean docker, List<Image> images) {
        List<Descriptor> entries = images.stream().map(i -> i.manifest().descriptor().withPlatform(i.platform())).toList();
        ImageIndex idx = ImageIndex.of(docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX, entries, null);
        return new MultiPlatform(images, Manifest.of(idx));
    }

    /** One image per platform, each with its own small layer plus the given shared layers (shared across tags). */
    public static MultiPlatform multiPlatform(List<Blob> shared, int ownLayerSize, String... platforms) {
        List<Image> images = new ArrayList<>();
        for (String p : platforms) {
            List<Blob> ls = new ArrayList<>(shared);
            ls.add(randomLayer(ownLayerSize));
            images.add(image(Platform.parse(p), false, ls, Map.of()));
        }
        return index(false, images);
    }

    /** An artifact (signature, SBOM…) referring to {@code subject}: empty config, one blob, artifactType set. */
    public static Image artifact(Descriptor subject, String artifactType, byte[] payload) {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Blob config = new Blob(MediaTypes.OCI_EMPTY, empty, Digest.sha256(empty));
        Blob blob = new Blob("application/octet-stream", payload, Digest.sha256(payload));
        ImageManifest m = new ImageManifest(2, MediaTypes.OCI_MANIFEST, artifactType, config.descriptor(), List.of(blob.descriptor()),
                Descriptor.of(subject.mediaType(), subject.digest(), subject.size()), Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z"));
        return new Image(null, config, List.of(blob), Manifest.of(m));
    }

    static byte[] tar(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 2048);
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", content.length), 12);
        put(h, 136, String.format("%011o", 1767225600L), 12);
        for (int i = 148; i < 156; i++) h[i] = ' ';
        h[156] = '0';
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum), 7);
        h[155] = ' ';
        out.writeBytes(h);
        out.writeBytes(content);
        int pad = (512 - content.length % 512) % 512;
        out.writeBytes(new byte[pad + 1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s, int len) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(b.length, len));
    }

    private static byte[] gunzip(byte[] gz) {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
