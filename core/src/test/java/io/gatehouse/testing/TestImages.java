package io.gatehouse.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatehouse.core.model.MediaTypes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Container images built offline, in memory, byte-for-byte reproducible from a seed: real gzip'd tar layers
 * (podman unpacks them), a config whose diff_ids match, and an OCI or Docker schema 2 manifest; multi-platform
 * indexes (OCI index or Docker manifest list). Write them as an OCI image layout for
 * {@code skopeo copy oci:DIR:TAG docker://…}, or push them over HTTP with {@link ImagePusher}.
 *
 * <pre>{@code
 * TestImages.Image img = TestImages.image(1);                                   // OCI, linux/amd64, 2 layers
 * TestImages.Image dock = TestImages.image(2, Format.DOCKER, Platform.LINUX_AMD64, 3, 16 * 1024);
 * TestImages.ImageIndex idx = TestImages.index(3, Format.OCI, List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 4096);
 * TestImages.writeOciLayout(dir, "1.0", img);                                  // then skopeo copy oci:dir:1.0 …
 * new ImagePusher(registryUrl).push("team/app", "1.0", img);                   // or straight over HTTP
 * }</pre>
 *
 * Same seed, same bytes, same digests; different seeds never share a layer. Only small images belong here:
 * everything is held in memory. For big blobs use {@link #randomStream(long, long)}.
 */
public final class TestImages {
    private TestImages() {
    }

    /** Manifest flavour: OCI image-spec or Docker image manifest v2 schema 2 (and its manifest list). */
    public enum Format { OCI, DOCKER }

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    // --------------------------------------------------------------------------------------------- records

    /** A piece of content with its media type; digest and size are computed from the bytes. */
    public record Blob(String mediaType, byte[] bytes, String digest) {
        public Blob {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(bytes, "bytes");
        }

        public Blob(String mediaType, byte[] bytes) {
            this(mediaType, bytes, sha256(bytes));
        }

        public long size() {
            return bytes.length;
        }

        /** The hex part of the digest (the file name under blobs/sha256/). */
        public String hex() {
            return digest.substring(digest.indexOf(':') + 1);
        }

        /** An OCI descriptor: mediaType, digest, size. */
        public Map<String, Object> descriptor() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("mediaType", mediaType);
            d.put("digest", digest);
            d.put("size", size());
            return d;
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return mediaType + " " + digest + " (" + size() + " bytes)";
        }
    }

    /** os/architecture[/variant], as in an index's platform object and in {@code --platform} flags. */
    public record Platform(String os, String architecture, String variant) {
        public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
        public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", "v8");
        public static final Platform LINUX_ARM_V7 = new Platform("linux", "arm", "v7");

        public static Platform parse(String text) {
            String[] p = text.split("/");
            if (p.length < 2 || p.length > 3) throw new IllegalArgumentException("platform must be os/arch[/variant]: " + text);
            return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("architecture", architecture);
            m.put("os", os);
            if (variant != null) m.put("variant", variant);
            return m;
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null ? "" : "/" + variant);
        }
    }

    /** One single-platform image: its manifest, config and layers (diffIds are the uncompressed layers' digests). */
    public record Image(Format format, Platform platform, Blob manifest, Blob config, List<Blob> layers, List<String> diffIds) {
        public Image {
            layers = List.copyOf(layers);
            diffIds = List.copyOf(diffIds);
        }

        /** The manifest's digest: what {@code name@digest} resolves to. */
        public String digest() {
            return manifest.digest();
        }

        /** Config first, then layers: everything a registry must hold before the manifest is pushed. */
        public List<Blob> blobs() {
            List<Blob> all = new ArrayList<>();
            all.add(config);
            all.addAll(layers);
            return all;
        }
    }

    /** A multi-platform image: an OCI index or a Docker manifest list over {@link #images()}. */
    public record ImageIndex(Format format, Blob index, List<Image> images) {
        public ImageIndex {
            images = List.copyOf(images);
        }

        public String digest() {
            return index.digest();
        }

        public Image image(Platform platform) {
            return images.stream().filter(i -> i.platform().equals(platform)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no image for " + platform));
        }
    }

    // --------------------------------------------------------------------------------------------- builders

    /** A small OCI image for linux/amd64: two layers of 32 KiB random data each. */
    public static Image image(long seed) {
        return image(seed, Format.OCI, Platform.LINUX_AMD64, 2, 32 * 1024);
    }

    /**
     * @param layerCount how many layers (each a gzip'd tar holding one file of random bytes)
     * @param layerSize  bytes of random data per layer (random data does not compress: the blob is a bit bigger)
     */
    public static Image image(long seed, Format format, Platform platform, int layerCount, int layerSize) {
        List<Blob> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            long layerSeed = mix(seed, platform.toString().hashCode(), i);
            byte[] tar = tar(Map.of("gatehouse-test/layer-" + i + ".bin", randomBytes(layerSeed, layerSize)));
            diffIds.add(sha256(tar));
            layers.add(new Blob(format == Format.OCI ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP, gzip(tar)));
        }
        Blob config = new Blob(format == Format.OCI ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG,
                json(config(seed, platform, diffIds)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", format == Format.OCI ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST);
        m.put("config", config.descriptor());
        m.put("layers", layers.stream().map(Blob::descriptor).toList());
        Blob manifest = new Blob((String) m.get("mediaType"), json(m));
        return new Image(format, platform, manifest, config, layers, diffIds);
    }

    /** An index (OCI) or manifest list (Docker) with one image per platform, each image's manifest in the same format. */
    public static ImageIndex index(long seed, Format format, List<Platform> platforms, int layerCount, int layerSize) {
        if (platforms.isEmpty()) throw new IllegalArgumentException("an index needs at least one platform");
        List<Image> images = new ArrayList<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Platform p : platforms) {
            Image img = image(seed, format, p, layerCount, layerSize);
            images.add(img);
            Map<String, Object> d = img.manifest().descriptor();
            d.put("platform", p.json());
            entries.add(d);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", format == Format.OCI ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST);
        m.put("manifests", entries);
        return new ImageIndex(format, new Blob((String) m.get("mediaType"), json(m)), images);
    }

    /**
     * An OCI artifact manifest that refers to {@code subject} (for the referrers API): an empty config
     * ({@code application/vnd.oci.empty.v1+json}, the two bytes {@code {}}), one layer holding {@code payload},
     * the given artifactType. Push {@link Image#blobs()} of the result first, as for any image.
     */
    public static Image artifact(String artifactType, Blob subject, String payloadMediaType, byte[] payload) {
        Blob empty = new Blob(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        Blob layer = new Blob(payloadMediaType, payload);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", artifactType);
        m.put("config", empty.descriptor());
        m.put("layers", List.of(layer.descriptor()));
        m.put("subject", subject.descriptor());
        Blob manifest = new Blob(MediaTypes.OCI_MANIFEST, json(m));
        return new Image(Format.OCI, null, manifest, empty, List.of(layer), List.of());
    }

    private static Map<String, Object> config(long seed, Platform platform, List<String> diffIds) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("created", "2024-01-01T00:00:00Z");
        c.put("architecture", platform.architecture());
        c.put("os", platform.os());
        if (platform.variant() != null) c.put("variant", platform.variant());
        c.put("config", Map.of(
                "Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                "Cmd", List.of("/bin/true"),
                "Labels", Map.of("io.gatehouse.test.seed", Long.toString(seed))));
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", diffIds);
        c.put("rootfs", rootfs);
        List<Map<String, Object>> history = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            history.add(Map.of("created", "2024-01-01T00:00:00Z", "created_by", "gatehouse TestImages layer " + i));
        }
        c.put("history", history);
        return c;
    }

    // --------------------------------------------------------------------------------------------- OCI layout

    /**
     * Writes (or adds to) an OCI image layout at {@code dir}: {@code oci-layout}, {@code blobs/sha256/…} and an
     * {@code index.json} entry naming the image or index {@code tag} ({@code org.opencontainers.image.ref.name}).
     * Calling it again with another tag adds that tag; the same tag is replaced.
     * skopeo then reads it as {@code oci:DIR:TAG} (with {@code --all} for an index).
     */
    public static Path writeOciLayout(Path dir, String tag, Image image) {
        return writeLayout(dir, tag, image.manifest(), image.blobs());
    }

    public static Path writeOciLayout(Path dir, String tag, ImageIndex index) {
        List<Blob> blobs = new ArrayList<>();
        for (Image img : index.images()) {
            blobs.addAll(img.blobs());
            blobs.add(img.manifest());
        }
        return writeLayout(dir, tag, index.index(), blobs);
    }

    @SuppressWarnings("unchecked")
    private static synchronized Path writeLayout(Path dir, String tag, Blob top, List<Blob> blobs) {
        try {
            Path blobDir = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            List<Blob> all = new ArrayList<>(blobs);
            all.add(top);
            for (Blob b : all) {
                Path f = blobDir.resolve(b.hex());
                if (!Files.exists(f)) Files.write(f, b.bytes());
            }
            Path indexFile = dir.resolve("index.json");
            List<Map<String, Object>> manifests = new ArrayList<>();
            if (Files.exists(indexFile)) {
                Map<String, Object> existing = JSON.readValue(indexFile.toFile(), Map.class);
                for (Map<String, Object> d : (List<Map<String, Object>>) existing.getOrDefault("manifests", List.of())) {
                    Map<String, Object> ann = (Map<String, Object>) d.getOrDefault("annotations", Map.of());
                    if (!tag.equals(ann.get("org.opencontainers.image.ref.name"))) manifests.add(d);
                }
            }
            Map<String, Object> d = top.descriptor();
            d.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
            manifests.add(d);
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            index.put("manifests", manifests);
            Files.write(indexFile, json(index));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --------------------------------------------------------------------------------------------- bytes

    /** {@code size} reproducible random bytes. */
    public static byte[] randomBytes(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /**
     * A stream of {@code size} reproducible random bytes, generated as it is read (nothing held in memory):
     * for pushing blobs of hundreds of MiB. The same seed and size always give the same bytes, so a second
     * stream can be hashed beforehand ({@link #sha256(InputStream)}) or used to resume from an offset
     * ({@link InputStream#skip(long)} is cheap-ish: it regenerates).
     */
    public static InputStream randomStream(long seed, long size) {
        return new RandomStream(seed, size);
    }

    /** sha256:hex of a stream, read to its end and closed. */
    public static String sha256(InputStream in) {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** java.util.zip writes a fixed gzip header (mtime 0, no name), so the output is reproducible. */
    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A POSIX ustar archive of regular files (mode 0644, owner 0:0, mtime 2024-01-01), entries in name order. */
    static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.keySet().stream().sorted().forEach(name -> {
            byte[] data = files.get(name);
            out.writeBytes(tarHeader(name, data.length));
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] tarHeader(String name, long size) {
        byte[] name8 = name.getBytes(StandardCharsets.UTF_8);
        if (name8.length > 100) throw new IllegalArgumentException("tar name too long for this writer: " + name);
        byte[] h = new byte[512];
        System.arraycopy(name8, 0, h, 0, name8.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1704067200L);
        h[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void octal(byte[] h, int off, int len, long value) {
        byte[] s = String.format("%0" + (len - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }

    private static long mix(long seed, long a, long b) {
        long x = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    private static final class RandomStream extends InputStream {
        private final SplittableRandom random;
        private final long size;
        private long pos;
        private final byte[] block = new byte[8192];
        private int blockPos = block.length;

        RandomStream(long seed, long size) {
            this.random = new SplittableRandom(seed);
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) return -1;
            int n = (int) Math.min(len, size - pos);
            int done = 0;
            while (done < n) {
                if (blockPos == block.length) {
                    random.nextBytes(block);
                    blockPos = 0;
                }
                int k = Math.min(n - done, block.length - blockPos);
                System.arraycopy(block, blockPos, b, off + done, k);
                blockPos += k;
                done += k;
            }
            pos += n;
            return n;
        }

        /** Skipping regenerates the skipped bytes (the generator is sequential), in large blocks. */
        @Override
        public long skip(long n) {
            long todo = Math.min(n, size - pos);
            byte[] sink = new byte[1 << 16];
            long done = 0;
            while (done < todo) done += read(sink, 0, (int) Math.min(sink.length, todo - done));
            return done;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, size - pos);
        }
    }
}
