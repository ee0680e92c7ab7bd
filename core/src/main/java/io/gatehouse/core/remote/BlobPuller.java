package io.gatehouse.core.remote;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import static io.gatehouse.core.remote.RegistryEndpoint.parseLong;
import static io.gatehouse.core.remote.RegistryEndpoint.pull;

/** Reads blobs: HEAD for existence and size, GET as a digest-verifying stream or into a file. */
final class BlobPuller {
    private final RegistryEndpoint endpoint;

    BlobPuller(RegistryEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    Optional<Long> headBlob(RepositoryName repo, Digest digest) {
        String path = "/v2/" + repo + "/blobs/" + digest;
        try (Response r = endpoint.send("HEAD", endpoint.url(path), null, List.of(pull(repo)), true)) {
            if (r.code() == 404) return Optional.empty();
            if (!r.isSuccessful()) throw endpoint.error("HEAD", path, r);
            return Optional.of(parseLong(r.header("Content-Length"), -1));
        }
    }

    InputStream openBlob(RepositoryName repo, Digest digest, long expectedSize) {
        String path = "/v2/" + repo + "/blobs/" + digest;
        Response r = endpoint.send("GET", endpoint.url(path), null, List.of(pull(repo)), true);
        if (!r.isSuccessful()) {
            try (r) {
                throw endpoint.error("GET", path, r);
            }
        }
        long size = expectedSize >= 0 ? expectedSize : parseLong(r.header("Content-Length"), -1);
        // closing the body stream releases the response and its connection
        return new DigestVerifyingInputStream(r.body().byteStream(), digest, size);
    }

    void downloadBlob(RepositoryName repo, Digest digest, long expectedSize, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".blob-", ".part");
        try (InputStream in = openBlob(repo, digest, expectedSize); OutputStream out = Files.newOutputStream(tmp)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
