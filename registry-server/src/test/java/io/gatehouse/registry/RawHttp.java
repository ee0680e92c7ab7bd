package io.gatehouse.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends requests no well-behaved client would: a body shorter than its Content-Length, then a hang-up. */
public final class RawHttp {
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

    /** A response as read off the socket: the status and the headers as one block, and the body. */
    public record Reply(int status, String head, String body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
            }
            return null;
        }
    }

    /**
     * Sends {@code request} exactly as given from {@code source} (a loopback address such as 127.0.0.7, or null for
     * any) and reads the answer until the server closes the connection or {@code timeoutMillis} pass without a byte.
     * The request should say {@code Connection: close} (error answers do anyway).
     */
    public static Reply exchange(int port, String source, byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            if (source != null) s.bind(new java.net.InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                    if (complete(got.toString(StandardCharsets.ISO_8859_1))) break;
                }
            } catch (java.net.SocketException e) {
                // reset after the answer (a refused body left unread): keep what arrived
            }
            String text = got.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) throw new IOException("no HTTP answer: '" + text + "'");
            return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
        }
    }

    public static Reply exchange(int port, String source, String request, int timeoutMillis) throws IOException {
        return exchange(port, source, request.getBytes(StandardCharsets.UTF_8), timeoutMillis);
    }

    /** Head and a body as long as its Content-Length have arrived (so keep-alive answers need not wait for a close). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return false;
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return text.length() - end - 4 >= Long.parseLong(line.substring(15).trim());
            }
        }
        return false;
    }
}
