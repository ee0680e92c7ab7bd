package io.gatehouse.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fuzz input that carries a manifest as a registry would receive or serve it: an optional first line
 * {@code Content-Type: <type>}, then the body. Shared by the core and registry manifest fuzz targets, so one seed
 * format serves both.
 */
public record TypedBody(String contentType, byte[] body) {
    private static final String PREFIX = "Content-Type: ";

    public static TypedBody of(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int nl = text.indexOf('\n');
        if (text.startsWith(PREFIX) && nl > 0) {
            return new TypedBody(text.substring(PREFIX.length(), nl), Arrays.copyOfRange(data, nl + 1, data.length));
        }
        return new TypedBody(null, data);
    }
}
