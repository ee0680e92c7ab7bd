package io.gatehouse.registry.ui;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web interface's own files (style sheet, the small script that adds copy buttons): a fixed list read from the
 * jar once, served with a long cache life (their names change with their content only across releases, so a day).
 */
final class Static {
    private static final Map<String, String> TYPES = Map.of(
            "ui.css", "text/css; charset=utf-8",
            "ui.js", "text/javascript; charset=utf-8",
            "logo.svg", "image/svg+xml");
    private static final Map<String, byte[]> FILES = load();

    private Static() {
    }

    private static Map<String, byte[]> load() {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = Static.class.getResourceAsStream("static/" + name)) {
                if (in != null) m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(m);
    }

    static void serve(String name, Request request, Response response, Callback callback) {
        byte[] body = FILES.get(name);
        if (body == null) {
            UiHandler.write(response, callback, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400");
        UiHandler.write(response, callback, 200, TYPES.get(name), "HEAD".equals(request.getMethod()) ? new byte[0] : body);
    }
}
