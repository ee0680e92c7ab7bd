package io.gatehouse.registry.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.util.function.Consumer;

/**
 * Reads and drops what is left of a request body, then runs an action, without ever waiting on a thread: it reads
 * what has arrived, and when nothing has, asks Jetty to call back once more bytes are there ({@link Request#demand}).
 * A client that sends its body slowly (or never) therefore costs a connection, not one of the server's threads; the
 * idle timeout and the minimum request data rate end such a connection, and the action then runs (its answer may not
 * reach a client that is gone, which is fine).
 * <p>
 * Why drain at all instead of answering at once: closing a connection with body bytes unread makes the kernel send a
 * reset, which can destroy the answer before the client has read it (see {@link Errors#DRAIN_LIMIT}).
 */
final class BodyDrain implements Runnable {
    private final Request request;
    private final Consumer<Boolean> then;
    private long left;

    private BodyDrain(Request request, long limit, Consumer<Boolean> then) {
        this.request = request;
        this.left = limit;
        this.then = then;
    }

    /** True when the request announced a body (a length above 0, or chunked) that has not been read to its end. */
    static boolean hasUnreadBody(Request request) {
        long length = request.getLength(); // -1: chunked or unknown
        if (length == 0) return false;
        if (length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) return false;
        return Request.getContentBytesRead(request) != length;
    }

    /**
     * Drops up to {@code limit} more bytes of the body, then calls {@code then} once, with true when the body was read
     * to its end and false when it failed, was cut off or is longer (left unread: the connection must close).
     */
    static void then(Request request, long limit, Consumer<Boolean> then) {
        new BodyDrain(request, limit, then).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this); // called back on another thread once bytes (or the end, or a failure) arrive
                return;
            }
            boolean failed = Content.Chunk.isFailure(chunk);
            boolean ended = chunk.isLast() && !failed;
            left -= chunk.remaining();
            chunk.release();
            if (ended || failed || left < 0) {
                then.accept(ended);
                return;
            }
        }
    }
}
