package io.gatehouse.registry.scan.layout;

import java.io.IOException;

/** A blob whose content does not hash to the digest it is stored under: the layout was altered or damaged. */
public final class BlobDigestException extends IOException {
    public BlobDigestException(String message) {
        super(message);
    }
}
