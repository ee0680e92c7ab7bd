package io.gatehouse.core.remote;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.gatehouse.core.remote.RegistryEndpoint.push;
import static io.gatehouse.core.remote.RegistryEndpoint.repo;

/**
 * Writes manifests: PUT (checking the digest the registry stored, and maintaining the referrers tag schema where the
 * registry does not index subjects itself) and DELETE by digest.
 */
final class ManifestPusher {
    private final RegistryEndpoint endpoint;
    // reads the current tag-schema index before adding a referrer to it
    private final ManifestPuller puller;

    ManifestPusher(RegistryEndpoint endpoint, ManifestPuller puller) {
        this.endpoint = endpoint;
        this.puller = puller;
    }

    RegistryClient.PushedManifest putManifest(RepositoryName repo, String reference, Manifest manifest) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        RequestBody body = RequestBody.create(manifest.rawBytes(), MediaType.get(manifest.mediaType()));
        boolean subjectProcessed;
        try (Response r = endpoint.send("PUT", endpoint.url(path), body, List.of(push(repo)), true)) {
            if (r.code() != 201 && !r.isSuccessful()) throw endpoint.error("PUT", path, r);
            String d = r.header("Docker-Content-Digest");
            if (d != null && Digest.isDigest(d) && Digest.parse(d).algorithm().equals(manifest.digest().algorithm())
                    && !Digest.parse(d).equals(manifest.digest())) {
                throw new RegistryException(endpoint.registry() + " stored manifest " + repo + ":" + reference + " under digest " + d
                        + " but we sent " + manifest.digest(), r.code(), List.of("DIGEST_INVALID"));
            }
            subjectProcessed = r.header("OCI-Subject") != null;
        }
        Descriptor subject = manifest.subject();
        if (subject != null && !subjectProcessed) addToReferrersTag(repo, subject.digest(), manifest);
        return new RegistryClient.PushedManifest(manifest.digest(), subjectProcessed);
    }

    /**
     * The distribution-spec's client duty on registries without the referrers API: add the referrer to the
     * {@code <alg>-<hex>} index. The index has no subject itself, so pushing it does not recurse further.
     */
    private void addToReferrersTag(RepositoryName repo, Digest subject, Manifest referrer) {
        Optional<Manifest> current = puller.referrersTagIndex(repo, subject);
        List<Descriptor> entries = new ArrayList<>(current.filter(Manifest::isIndex).map(m -> m.index().manifests()).orElse(List.of()));
        if (entries.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) return;
        Map<String, String> ann = referrer.isIndex() ? referrer.index().annotations() : referrer.image().annotations();
        entries.add(new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), null, ann, null, null, referrer.artifactType()));
        Manifest updated = Manifest.of(ImageIndex.of(MediaTypes.OCI_INDEX, entries, null));
        putManifest(repo, subject.toTagForm(), updated);
    }

    boolean deleteManifest(RepositoryName repo, Digest digest) {
        String path = "/v2/" + repo + "/manifests/" + digest;
        try (Response r = endpoint.send("DELETE", endpoint.url(path), null, List.of(repo("delete", repo)), true)) {
            if (r.code() == 404) return false;
            if (!r.isSuccessful()) throw endpoint.error("DELETE", path, r);
            return true;
        }
    }
}
