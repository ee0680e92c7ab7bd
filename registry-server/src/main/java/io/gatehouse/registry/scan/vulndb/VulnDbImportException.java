package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;

/** An import that was rejected; nothing of it reached the store. The message says which file and why. */
public class VulnDbImportException extends IOException {
    public VulnDbImportException(String message) {
        super(message);
    }

    public VulnDbImportException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * "{@code what} at line L, column C": the position only. Jackson's own message quotes the text it choked on,
     * and the file may be anything handed to an import by mistake (a password file was quoted back in an error).
     */
    static VulnDbImportException unparsable(String what, JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        String at = l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
        return new VulnDbImportException(what + at, e);
    }
}
