package io.gatehouse.jenkins.service;

/** A private key for signImage: PEM or cosign-encrypted key bytes, and its passphrase (may be null). Never printed. */
public record SigningKey(String fileName, byte[] keyBytes, char[] passphrase) {
    @Override
    public String toString() {
        return "SigningKey(" + fileName + ", ****)";
    }
}
