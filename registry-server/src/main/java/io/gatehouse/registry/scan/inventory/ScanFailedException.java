package io.gatehouse.registry.scan.inventory;

import java.io.IOException;

/**
 * A scan that cannot complete, with a reason meant for the user ("layer sha256:… is not a valid gzip stream:
 * truncated", "layer exceeds 16 GiB decompressed"). The scan is recorded as failed with this message.
 */
public class ScanFailedException extends IOException {
    public ScanFailedException(String reason) {
        super(reason);
    }

    public ScanFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
