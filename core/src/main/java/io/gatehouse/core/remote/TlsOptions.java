package io.gatehouse.core.remote;

import java.nio.file.Path;

/**
 * TLS trust for one registry: the JDK's trust store, plus a PEM bundle of extra CAs (a company CA), or, only when the
 * user asks for it explicitly, no verification at all.
 */
public record TlsOptions(Path caPem, boolean insecureSkipVerify) {
    public static TlsOptions system() {
        return new TlsOptions(null, false);
    }

    public static TlsOptions withCa(Path caPem) {
        return new TlsOptions(caPem, false);
    }

    public static TlsOptions insecure() {
        return new TlsOptions(null, true);
    }
}
