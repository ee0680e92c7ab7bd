package io.gatehouse.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A body handed over buffer by buffer. The HTTP layer implements it over the server's own receive buffers, so a
 * push is hashed and written to disk from the bytes the socket delivered, without first copying them into an array
 * (at a gigabyte per layer, every copy shows).
 */
public interface BufferSource {

    /** The next bytes, or null at the end. The buffer stays valid until the next call; the callee may consume it. */
    ByteBuffer nextBuffer() throws IOException;

    /** The source behind {@code in}: itself when it already is one, else a reader through one buffer of {@code size}. */
    static BufferSource of(InputStream in, int size) {
        if (in instanceof BufferSource direct) return direct;
        byte[] buf = new byte[size];
        return () -> {
            int n = in.readNBytes(buf, 0, buf.length);
            return n <= 0 ? null : ByteBuffer.wrap(buf, 0, n);
        };
    }
}
