package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;

/**
 * What happened to content, told after the change is committed: scan-on-push and automatic promotion listen
 * here. Called synchronously on the request thread, so listeners must be quick (enqueue work, don't do it); an
 * exception from a listener is logged and never fails the request.
 *
 * <p>The same interface serves the journal ({@code RegistryServer.Builder.journal}, the audit log), told inside the
 * change's transaction instead: there an exception rolls the change back and is the client's answer.
 */
public interface RegistryEvents {

    /**
     * @param tag          the tag pushed with it, or null for a push by digest
     * @param subject      the manifest's {@code subject} digest (signatures, reports), or null
     * @param artifactType the manifest's artifactType (or its config media type for image manifests), or null
     */
    default void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject,
                                String artifactType, Principal principal) {
    }

    default void manifestDeleted(String repository, Digest digest, Principal principal) {
    }

    default void tagDeleted(String repository, String tag, Principal principal) {
    }

    /** A blob unlinked from a repository (DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;); GC removes the bytes later. */
    default void blobDeleted(String repository, Digest digest, Principal principal) {
    }
}
