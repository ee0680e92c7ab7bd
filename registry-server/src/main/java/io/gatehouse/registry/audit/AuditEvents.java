package io.gatehouse.registry.audit;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.RequestContext;
import io.gatehouse.registry.content.RegistryEvents;

/**
 * Writes the registry's content events (push, deletes) to the audit log. Events arrive on the request thread
 * right after the access controller authorized that request, so the client address comes from
 * {@link RequestContext}.
 */
public final class AuditEvents implements RegistryEvents {

    private final AuditLog audit;

    public AuditEvents(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject, String artifactType, Principal principal) {
        String detail = (tag == null ? "" : "tag " + tag + " ") + (mediaType == null ? "" : mediaType)
                + (subject == null ? "" : " subject " + subject);
        audit.record(principal, AuditEvent.MANIFEST_PUSH, repository + "@" + digest, RequestContext.remoteAddress(),
                AuditEvent.Outcome.SUCCESS, detail.trim());
    }

    @Override
    public void manifestDeleted(String repository, Digest digest, Principal principal) {
        audit.record(principal, AuditEvent.MANIFEST_DELETE, repository + "@" + digest, RequestContext.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
    }

    @Override
    public void tagDeleted(String repository, String tag, Principal principal) {
        audit.record(principal, AuditEvent.TAG_DELETE, repository + ":" + tag, RequestContext.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
    }

    @Override
    public void blobDeleted(String repository, Digest digest, Principal principal) {
        audit.record(principal, AuditEvent.BLOB_DELETE, repository + "@" + digest, RequestContext.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
    }
}
