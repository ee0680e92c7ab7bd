package io.gatehouse.core.sign;

import java.util.Base64;

/** PEM text encoding (RFC 7468): 64-character base64 lines between BEGIN/END labels. */
final class Pem {
    private Pem() {
    }

    static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
}
