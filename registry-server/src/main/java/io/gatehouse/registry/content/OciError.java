package io.gatehouse.registry.content;

/**
 * One error as the OCI distribution-spec sends it: an HTTP status and a {@code {"errors":[{code,message,detail}]}} entry.
 * {@code detail} is any JSON-serialisable value (or null).
 */
public record OciError(int status, String code, String message, Object detail) {

    public OciError(int status, String code, String message) {
        this(status, code, message, null);
    }

    public static OciError blobUnknown(String digest) {
        return new OciError(404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
    }

    public static OciError blobUploadUnknown() {
        return new OciError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    }

    public static OciError blobUploadInvalid(String message) {
        return new OciError(400, "BLOB_UPLOAD_INVALID", message);
    }

    public static OciError digestInvalid(String message) {
        return new OciError(400, "DIGEST_INVALID", message);
    }

    public static OciError manifestBlobUnknown(String digest) {
        return new OciError(400, "MANIFEST_BLOB_UNKNOWN", "manifest references a manifest or blob unknown to registry", digest);
    }

    public static OciError manifestInvalid(String message) {
        return new OciError(400, "MANIFEST_INVALID", message);
    }

    public static OciError manifestUnknown(String reference) {
        return new OciError(404, "MANIFEST_UNKNOWN", "manifest unknown to registry", reference);
    }

    public static OciError nameInvalid(String message) {
        return new OciError(400, "NAME_INVALID", message);
    }

    public static OciError nameUnknown(String name) {
        return new OciError(404, "NAME_UNKNOWN", "repository name not known to registry", name);
    }

    public static OciError sizeInvalid(String message) {
        return new OciError(400, "SIZE_INVALID", message);
    }

    public static OciError unsupported(int status, String message) {
        return new OciError(status, "UNSUPPORTED", message);
    }

    /** 503: a backing service (blob storage, database) cannot be reached; the client should retry (Retry-After). */
    public static OciError unavailable(String message) {
        return new OciError(503, "UNAVAILABLE", message);
    }

    public static OciError denied(String message) {
        return new OciError(403, "DENIED", message);
    }

    public RegistryException exception() {
        return new RegistryException(this);
    }
}
