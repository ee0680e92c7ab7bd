package io.gatehouse.registry.api;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A management API request's body as a stream whose read failures say they are the client's: a broken chunked
 * framing or a connection cut before the body's end surfaces as {@link Unreadable}, which the router answers with a
 * 400 instead of taking it for the handler's own failure (a 500 with a stack trace in the log).
 */
final class RequestBody extends FilterInputStream {

    /** The body could not be read: malformed or cut short by the client. */
    static final class Unreadable extends IOException {
        Unreadable(IOException cause) {
            super("the request body could not be read: " + cause.getMessage(), cause);
        }

        /** Whether {@code e}, or one of its causes, is a failure to read the request body. */
        static boolean in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Unreadable) return true;
            }
            return false;
        }
    }

    RequestBody(Request request) {
        super(Content.Source.asInputStream(request));
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw new Unreadable(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw new Unreadable(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw new Unreadable(e);
        }
    }
}
