package io.gatehouse.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A tiny JDK HTTP client for the auth tests: requests with an optional Authorization header, JSON parsing. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return HttpReplies.JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** @param headers further request headers, name then value */
    public Reply send(String method, String path, String authorization, String contentType, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
            if (authorization != null) b.header("Authorization", authorization);
            for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
            if (contentType != null) b.header("Content-Type", contentType);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    /**
     * Writes {@code request} as is on a new connection (for what java.net.http will not send: broken framing) and
     * returns the status line of the answer.
     */
    public String rawStatusLine(String request) {
        URI uri = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder line = new StringBuilder();
            java.io.InputStream in = s.getInputStream();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) line.append((char) b);
            return line.toString().trim();
        } catch (java.io.IOException e) {
            throw new AssertionError("raw request failed", e);
        }
    }

    public Reply get(String path, String authorization) {
        return send("GET", path, authorization, null, null);
    }

    public Reply json(String method, String path, String authorization, String json) {
        return send(method, path, authorization, "application/json", json);
    }

    /** GET /auth/token with the given scopes; returns the reply (token in {@code json().get("token")}). */
    public Reply token(String authorization, String... scopes) {
        StringBuilder q = new StringBuilder("/auth/token?service=gatehouse");
        for (String s : scopes) q.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        return get(q.toString(), authorization);
    }

    public String tokenFor(String user, String password, String... scopes) {
        Reply r = token(basic(user, password), scopes);
        if (r.status() != 200) throw new AssertionError("token request failed: " + r.status() + " " + r.body());
        return r.json().get("token").asText();
    }

    /** The claims of a JWT, without verifying it (for assertions on what we issued). */
    public static JsonNode claims(String jwt) {
        try {
            return HttpReplies.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
