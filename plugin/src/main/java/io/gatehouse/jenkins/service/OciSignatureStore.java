package io.gatehouse.jenkins.service;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.SignatureStore;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * core.sign's {@link SignatureStore} over the OCI Distribution API (/v2), for the small objects signing touches.
 * WHY here and not core.remote: the core RegistryClient (branch client) has not landed; this is the minimal
 * spec-defined subset (GET/HEAD/PUT manifests, GET blobs, POST+PUT monolithic upload) and can be swapped for it.
 */
final class OciSignatureStore implements SignatureStore {
    static final long MAX_SMALL = 4L * 1024 * 1024;

    private final OkHttpClient http;
    private final URI base;
    private final UnaryOperator<Request.Builder> authorize;

    OciSignatureStore(OkHttpClient http, URI base, UnaryOperator<Request.Builder> authorize) {
        this.http = http;
        this.base = base;
        this.authorize = authorize;
    }

    @Override
    public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
        Request req = authorize.apply(new Request.Builder().url(url("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", RegistryGatehouseService.ACCEPT)).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 404) {
                return Optional.empty();
            }
            check(rsp, "GET manifest " + repository + ":" + reference);
            String type = rsp.header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            return Optional.of(new Manifest(type.split(";")[0].trim(), small(rsp.body())));
        }
    }

    @Override
    public byte[] getBlob(String repository, Digest digest) throws IOException {
        Request req = authorize.apply(new Request.Builder().url(url("/v2/" + repository + "/blobs/" + digest))).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 404) {
                return null;
            }
            check(rsp, "GET blob " + digest);
            return small(rsp.body());
        }
    }

    @Override
    public void putBlob(String repository, Digest digest, byte[] content) throws IOException {
        Request head = authorize.apply(new Request.Builder().url(url("/v2/" + repository + "/blobs/" + digest)).head()).build();
        try (Response rsp = http.newCall(head).execute()) {
            if (rsp.isSuccessful()) {
                return;
            }
        }
        String location;
        Request start = authorize.apply(new Request.Builder().url(url("/v2/" + repository + "/blobs/uploads/"))
                .post(RequestBody.create(new byte[0]))).build();
        try (Response rsp = http.newCall(start).execute()) {
            check(rsp, "start upload to " + repository);
            location = rsp.header("Location");
            if (location == null) {
                throw new IOException("the registry gave no upload Location for " + repository);
            }
        }
        String put = base.resolve(location).toString();
        put += (put.contains("?") ? "&" : "?") + "digest=" + digest;
        Request finish = authorize.apply(new Request.Builder().url(put)
                .put(RequestBody.create(content, MediaType.get("application/octet-stream")))).build();
        try (Response rsp = http.newCall(finish).execute()) {
            check(rsp, "upload blob " + digest);
        }
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException {
        Request req = authorize.apply(new Request.Builder().url(url("/v2/" + repository + "/manifests/" + reference))
                .put(RequestBody.create(content, MediaType.get(mediaType)))).build();
        try (Response rsp = http.newCall(req).execute()) {
            check(rsp, "PUT manifest " + repository + ":" + reference);
        }
    }

    private String url(String path) {
        return base.resolve(path).toString();
    }

    private static byte[] small(ResponseBody body) throws IOException {
        if (body.contentLength() > MAX_SMALL) {
            throw new IOException("unexpectedly large object (" + body.contentLength() + " bytes)");
        }
        return body.bytes();
    }

    private static void check(Response rsp, String what) throws IOException {
        if (!rsp.isSuccessful()) {
            String detail = "";
            ResponseBody b = rsp.body();
            if (b != null && b.contentLength() < 4096) {
                detail = ": " + b.string().strip();
            }
            throw new IOException(what + " failed: HTTP " + rsp.code() + detail);
        }
    }
}
