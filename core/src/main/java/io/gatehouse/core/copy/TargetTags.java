package io.gatehouse.core.copy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;

import java.util.Optional;

/**
 * Where a mirror run reads what the target holds now (the previous run's state): the digest a target tag points at.
 * Over the network that is a HEAD per tag; a registry mirroring into itself answers from its own database instead,
 * which makes an unchanged rerun cost the upstream's HEADs and nothing else.
 */
@FunctionalInterface
public interface TargetTags {

    /** The digest {@code tag} of {@code repository} points at, or empty when there is no such tag. */
    Optional<Digest> digest(RepositoryName repository, String tag);

    /** A HEAD request to the target registry per tag. */
    static TargetTags over(RegistryClient target) {
        return (repository, tag) -> target.headManifest(repository, tag).map(Descriptor::digest);
    }
}
