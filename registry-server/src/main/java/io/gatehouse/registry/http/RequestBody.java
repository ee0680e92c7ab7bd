package io.gatehouse.registry.http;

import io.gatehouse.registry.storage.BufferSource;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A request body for blob uploads. It is an InputStream for any code that wants one, and a {@link BufferSource} that
 * hands out Jetty's own receive buffers one after the other, so the blob store hashes and writes each chunk where
 * the socket put it (Jetty's own InputStream adapter would copy every byte into an array first). Reads block like
 * a stream's; each chunk is released when the next one is asked for, or on close.
 */
final class RequestBody extends InputStream implements BufferSource {
    private final Content.Source source;
    private Content.Chunk current;
    private boolean last;

    RequestBody(Content.Source source) {
        this.source = source;
    }

    @Override
    public ByteBuffer nextBuffer() throws IOException {
        release();
        while (!last) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                try (Blocker.Runnable wakeUp = Blocker.runnable()) {
                    source.demand(wakeUp);
                    wakeUp.block();
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                last = true;
                Throwable failure = chunk.getFailure();
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            last = chunk.isLast();
            if (!chunk.hasRemaining()) {
                chunk.release();
                continue;
            }
            current = chunk;
            return chunk.getByteBuffer();
        }
        return null;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (current == null || !current.hasRemaining()) {
            if (nextBuffer() == null) return -1;
        }
        ByteBuffer bb = current.getByteBuffer();
        int n = Math.min(len, bb.remaining());
        bb.get(b, off, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    private void release() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    /**
     * Releases the buffer in hand. A body not read to its end (a chunk refused before its bytes were read) is left to
     * Jetty: when the response completes it discards what has arrived and, if the body is not over, closes the
     * connection after the response, which the client then sees whole.
     */
    @Override
    public void close() {
        release();
    }
}
