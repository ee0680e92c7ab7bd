package io.gatehouse.core.sign;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the throwaway keys in src/test/resources/sign (see the README there). */
final class TestKeys {
    static final char[] COSIGN_PASSPHRASE = "gatehouse-test".toCharArray();

    private TestKeys() {
    }

    static String resource(String name) {
        try (InputStream in = TestKeys.class.getResourceAsStream("/sign/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test resource sign/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
