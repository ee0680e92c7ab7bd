package io.gatehouse.registry.trust;

import io.gatehouse.core.policy.ScanFacts;
import io.gatehouse.core.reference.Digest;

import java.util.Optional;

/** The newest scan report of an image, as policy facts. The scan capability provides it; tests may pin one. */
@FunctionalInterface
public interface ScanReports {
    ScanReports NONE = (repository, digest) -> Optional.empty();

    Optional<ScanFacts> latest(String repository, Digest digest);
}
