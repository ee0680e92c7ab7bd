package io.gatehouse.registry.scan.vulndb;

import java.io.IOException;

/** An import that was rejected; nothing of it reached the store. The message says which file and why. */
public class VulnDbImportException extends IOException {
    public VulnDbImportException(String message) {
        super(message);
    }

    public VulnDbImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
