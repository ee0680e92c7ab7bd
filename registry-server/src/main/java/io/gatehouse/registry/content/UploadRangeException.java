package io.gatehouse.registry.content;

/** A chunk that does not start where the upload ends: 416, with the upload's current state for the headers. */
public class UploadRangeException extends RegistryException {
    private final transient UploadState state;

    public UploadRangeException(UploadState state, String message) {
        super(new OciError(416, "BLOB_UPLOAD_INVALID", message));
        this.state = state;
    }

    public UploadState state() {
        return state;
    }
}
