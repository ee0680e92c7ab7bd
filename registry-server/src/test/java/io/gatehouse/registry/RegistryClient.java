package io.gatehouse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A raw HTTP client for tests of the Distribution API (java.net.http: it sends paths exactly as given, unlike
 * clients that normalise "..").
 */
public final class RegistryClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private final String[] defaultHeaders;

    public RegistryClient(String baseUrl) {
        this(baseUrl, new String[0]);
    }

    /** @param defaultHeaders name, value, … sent with every request (an Authorization) */
    public RegistryClient(String baseUrl, String... defaultHeaders) {
        this.base = baseUrl;
        this.defaultHeaders = defaultHeaders.clone();
    }

    public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < defaultHeaders.length; i += 2) b.header(defaultHeaders[i], defaultHeaders[i + 1]);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public HttpResponse<byte[]> head(String path, String... headers) {
        return send("HEAD", path, null, headers);
    }

    public static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first error code of an OCI error body. */
    public static String errorCode(HttpResponse<byte[]> r) {
        return json(r).path("errors").path(0).path("code").asText();
    }

    /** Monolithic POST + PUT; returns the digest. */
    public Digest pushBlob(String repo, byte[] data) {
        Digest d = Digest.sha256(data);
        HttpResponse<byte[]> start = send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        if (start.statusCode() != 202) throw new IllegalStateException("POST upload: " + start.statusCode() + " " + new String(start.body()));
        String location = start.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> put = send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + d, data,
                "Content-Type", "application/octet-stream");
        if (put.statusCode() != 201) throw new IllegalStateException("PUT upload: " + put.statusCode() + " " + new String(put.body()));
        return d;
    }

    public HttpResponse<byte[]> putManifest(String repo, String reference, byte[] manifest, String mediaType) {
        return send("PUT", "/v2/" + repo + "/manifests/" + reference, manifest, "Content-Type", mediaType);
    }

    /** An OCI image manifest JSON over the given config and layers (with their real sizes). */
    public static byte[] imageManifest(Digest config, long configSize, List<Digest> layers, List<Long> layerSizes,
                                       String artifactType, Digest subject, long subjectSize) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"schemaVersion\":2,\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST).append('"');
        if (artifactType != null) sb.append(",\"artifactType\":\"").append(artifactType).append('"');
        sb.append(",\"config\":{\"mediaType\":\"").append(MediaTypes.OCI_CONFIG).append("\",\"digest\":\"").append(config)
                .append("\",\"size\":").append(configSize).append("},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"mediaType\":\"").append(MediaTypes.OCI_LAYER_GZIP).append("\",\"digest\":\"").append(layers.get(i))
                    .append("\",\"size\":").append(layerSizes.get(i)).append('}');
        }
        sb.append(']');
        if (subject != null) {
            sb.append(",\"subject\":{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST).append("\",\"digest\":\"").append(subject)
                    .append("\",\"size\":").append(subjectSize).append('}');
        }
        sb.append(",\"annotations\":{\"org.example.n\":\"").append(System.nanoTime()).append("\"}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes a config and one layer and an image manifest tagged {@code tag}; returns the manifest's digest. */
    public Digest pushImage(String repo, String tag, byte[] layer) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        Digest c = pushBlob(repo, config);
        Digest l = pushBlob(repo, layer);
        byte[] m = imageManifest(c, config.length, List.of(l), List.of((long) layer.length), null, null, 0);
        HttpResponse<byte[]> r = putManifest(repo, tag, m, MediaTypes.OCI_MANIFEST);
        if (r.statusCode() != 201) throw new IllegalStateException("PUT manifest: " + r.statusCode() + " " + new String(r.body()));
        return Digest.sha256(m);
    }
}
