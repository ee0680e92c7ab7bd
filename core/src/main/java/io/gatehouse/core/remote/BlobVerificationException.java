package io.gatehouse.core.remote;

import java.io.IOException;

/** Blob bytes did not match their digest or size: the source is corrupt or the transfer was cut. Never retried blindly. */
public class BlobVerificationException extends IOException {
    public BlobVerificationException(String message) {
        super(message);
    }
}
