package io.gatehouse.core.remote;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.HttpUrl;
import okhttp3.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.gatehouse.core.remote.RegistryEndpoint.nextLink;
import static io.gatehouse.core.remote.RegistryEndpoint.pull;

/**
 * Finds the manifests that refer to a subject: the referrers API (paged, filtered by the registry or here), or the
 * referrers tag schema on registries that answer 404 to the API.
 */
final class ReferrersLister {
    private final RegistryEndpoint endpoint;
    // reads the tag-schema index on registries without the referrers API
    private final ManifestPuller puller;

    ReferrersLister(RegistryEndpoint endpoint, ManifestPuller puller) {
        this.endpoint = endpoint;
        this.puller = puller;
    }

    RegistryClient.Referrers referrers(RepositoryName repo, Digest subject, String artifactType) {
        String path = "/v2/" + repo + "/referrers/" + subject;
        HttpUrl u = endpoint.url(path);
        if (artifactType != null) u = u.newBuilder().addQueryParameter("artifactType", artifactType).build();
        List<Descriptor> all = new ArrayList<>();
        boolean filtered = false;
        HttpUrl next = u;
        while (next != null) {
            try (Response r = endpoint.send("GET", next, null, List.of(pull(repo)), true)) {
                // only a 404 on the first page means "no referrers API"; later it is a real error
                if (r.code() == 404 && all.isEmpty() && next == u) return fromTagSchema(repo, subject, artifactType);
                if (!r.isSuccessful()) throw endpoint.error("GET", path, r);
                filtered |= r.header("OCI-Filters-Applied") != null;
                byte[] bytes = RegistryEndpoint.readLimited(r.body().byteStream(), Manifest.MAX_BYTES);
                ImageIndex page = Json.MAPPER.readValue(bytes, ImageIndex.class);
                all.addAll(page.manifests());
                next = nextLink(r);
            } catch (IOException e) {
                throw new RegistryException("reading referrers of " + subject + " from " + endpoint.registry() + " failed: " + e.getMessage(), e);
            }
        }
        // a registry that ignored the filter says so by leaving out OCI-Filters-Applied: filter here instead
        if (artifactType != null && !filtered) all.removeIf(d -> !artifactType.equals(d.artifactType()));
        return new RegistryClient.Referrers(ImageIndex.of(MediaTypes.OCI_INDEX, all, null), true);
    }

    private RegistryClient.Referrers fromTagSchema(RepositoryName repo, Digest subject, String artifactType) {
        Optional<Manifest> idx = puller.referrersTagIndex(repo, subject);
        List<Descriptor> list = new ArrayList<>(idx.map(m -> m.isIndex() ? m.index().manifests() : List.<Descriptor>of()).orElse(List.of()));
        if (artifactType != null) list.removeIf(d -> !artifactType.equals(d.artifactType()));
        return new RegistryClient.Referrers(ImageIndex.of(MediaTypes.OCI_INDEX, list, null), false);
    }
}
