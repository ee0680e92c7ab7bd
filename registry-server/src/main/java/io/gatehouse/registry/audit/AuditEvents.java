package io.gatehouse.registry.audit;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.RequestContext;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.RegistryEvents;

/**
 * Writes the registry's content events (push, deletes) to the audit log. Installed as the content journal, so events
 * arrive inside the change's transaction, on the request thread right after the access controller authorized that
 * request (the client address comes from {@link RequestContext}). When the record cannot be written the change is
 * rolled back and the client gets 503 {@code UNAVAILABLE}: no change without its record.
 */
public final class AuditEvents implements RegistryEvents {

    private final AuditLog audit;

    public AuditEvents(AuditLog audit) {
        this.audit = audit;
    }

    private void record(Principal principal, String action, String target, String detail) {
        try {
            audit.record(principal, action, target, RequestContext.remoteAddress(), AuditEvent.Outcome.SUCCESS, detail);
        } catch (AuditUnavailableException e) {
            throw new OciError(503, "UNAVAILABLE", "the audit log cannot be written; nothing was changed").exception();
        }
    }

    @Override
    public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject, String artifactType, Principal principal) {
        String detail = (tag == null ? "" : "tag " + tag + " ") + (mediaType == null ? "" : mediaType)
                + (subject == null ? "" : " subject " + subject);
        record(principal, AuditEvent.MANIFEST_PUSH, repository + "@" + digest, detail.trim());
    }

    @Override
    public void manifestDeleted(String repository, Digest digest, Principal principal) {
        record(principal, AuditEvent.MANIFEST_DELETE, repository + "@" + digest, "");
    }

    @Override
    public void tagDeleted(String repository, String tag, Principal principal) {
        record(principal, AuditEvent.TAG_DELETE, repository + ":" + tag, "");
    }

    @Override
    public void blobDeleted(String repository, Digest digest, Principal principal) {
        record(principal, AuditEvent.BLOB_DELETE, repository + "@" + digest, "");
    }
}
