package io.gatehouse.core.copy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;

import java.util.List;
import java.util.Optional;

/**
 * Where a mirror run reads what the target holds now (the previous run's state): the digest a target tag points at.
 * Over the network that is a HEAD per tag; a registry mirroring into itself answers from its own database instead,
 * which makes an unchanged rerun cost the upstream's HEADs and nothing else.
 */
public interface TargetTags {

    /** The digest {@code tag} of {@code repository} points at, or empty when there is no such tag. */
    Optional<Digest> digest(RepositoryName repository, String tag);

    /**
     * The tags the target has now, when that is cheap to know (empty when not). A plan checks these upstream while it
     * waits for the upstream's tag list: on an unchanged rerun they are all the tags it will check.
     */
    default Optional<List<String>> known(RepositoryName repository) {
        return Optional.empty();
    }

    /**
     * Over the network: a HEAD request to the target registry per tag, and its tag list (one request) for
     * {@link #known}; a repository the target does not have yet has no known tags.
     */
    static TargetTags over(RegistryClient target) {
        return new TargetTags() {
            @Override
            public Optional<Digest> digest(RepositoryName repository, String tag) {
                return target.headManifest(repository, tag).map(Descriptor::digest);
            }

            @Override
            public Optional<List<String>> known(RepositoryName repository) {
                try {
                    return Optional.of(target.listTags(repository));
                } catch (RegistryException e) {
                    // a new target repository (404), or a listing we may not read: plan without a head start
                    return Optional.empty();
                }
            }
        };
    }
}
