package io.gatehouse.registry.storage;

import java.io.IOException;

/**
 * The blob storage could not be reached or refused to work for now (connection refused, timeouts, S3 "slow down",
 * 5xx): nothing was changed by the failed call, and the same request may succeed later. The HTTP layer answers
 * 503 with Retry-After, not 500. The message never carries credentials.
 */
public class StorageUnavailableException extends IOException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
