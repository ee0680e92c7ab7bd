package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;

import java.util.Optional;

/**
 * Where repository gates (protected repositories, immutable tags) and pull gates (vulnerabilities, missing
 * signatures) plug in. Called after the access check, before anything is stored or served. Returning an error
 * refuses the request with exactly that error (status, code, message, detail), so a gate can say which CVEs or
 * which missing signature blocked it. The default lets everything through.
 */
public interface ContentGate {

    ContentGate ALLOW_ALL = new ContentGate() {
    };

    /** Before a manifest is stored (by HTTP PUT or by {@link ContentService#putManifest}). */
    default Optional<OciError> beforeManifestPush(Principal principal, String repository, String reference,
                                                  byte[] manifest, String mediaType) {
        return Optional.empty();
    }

    /** Before a manifest is served by GET over HTTP (HEAD and internal reads are not gated). */
    default Optional<OciError> beforeManifestPull(Principal principal, String repository, Digest digest) {
        return Optional.empty();
    }
}
