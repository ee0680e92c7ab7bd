package io.gatehouse.jenkins.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small but real HTTP forward proxy on loopback for tests: reads a request in absolute form
 * ({@code GET http://host:port/path HTTP/1.1}), optionally demands Basic proxy credentials (407 with
 * {@code Proxy-Authenticate}), then opens a connection to the origin and relays the request (origin form,
 * {@code Connection: close}) and the whole answer. Records each request line and its Proxy-Authorization header.
 */
final class ForwardProxy implements AutoCloseable {
    record Seen(String requestLine, String proxyAuthorization) {
    }

    private final ServerSocket server;
    private final String requiredAuthorization;
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    ForwardProxy(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "test-forward-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "test-forward-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String auth = null;
            StringBuilder forwarded = new StringBuilder();
            String[] first = lines[0].split(" ");
            URI target = URI.create(first[1]);
            forwarded.append(first[0]).append(' ').append(target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                    .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(' ').append(first[2]).append("\r\n");
            long contentLength = 0;
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i];
                String name = l.substring(0, Math.max(0, l.indexOf(':'))).trim().toLowerCase(java.util.Locale.ROOT);
                if (name.equals("proxy-authorization")) {
                    auth = l.substring(l.indexOf(':') + 1).trim();
                    continue;
                }
                if (name.equals("connection") || name.equals("proxy-connection")) {
                    continue;
                }
                if (name.equals("content-length")) {
                    contentLength = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                }
                forwarded.append(l).append("\r\n");
            }
            forwarded.append("Connection: close\r\n\r\n");
            seen.add(new Seen(lines[0], auth));
            byte[] body = in.readNBytes((int) contentLength);
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            try (Socket origin = new Socket(target.getHost(), target.getPort())) {
                origin.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.US_ASCII));
                origin.getOutputStream().write(body);
                origin.getOutputStream().flush();
                origin.getInputStream().transferTo(out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a test proxy: the client sees the connection close
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return new String(a, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("no request head");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
