package io.gatehouse.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends requests no well-behaved client would: a body shorter than its Content-Length, then a hang-up. */
final class RawHttp {
    private RawHttp() {
    }

    static void sendTruncated(int port, String method, String path, long declaredLength, byte[] partialBody) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + declaredLength + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(partialBody);
            out.flush();
            s.shutdownOutput();
            s.setSoTimeout(10_000);
            try {
                s.getInputStream().readAllBytes(); // wait until the server has dealt with it
            } catch (IOException ignored) {
                // reset by the server is fine
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
