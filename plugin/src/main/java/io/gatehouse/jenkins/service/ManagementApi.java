package io.gatehouse.jenkins.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * JSON over HTTP to the registry's management API ({@code /api/v1}, docs/api.md), with the same client, TLS and
 * credentials as /v2. One job: send a request, hand back status + JSON, and turn the registry's error bodies
 * ({@code {"errors":[{code, message, detail}]}}) into messages a build log can show. Never puts the
 * Authorization header (or anything else secret) into an exception.
 */
final class ManagementApi {
    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final OkHttpClient http;
    private final URI registryUrl;
    private final UnaryOperator<Request.Builder> authorize;

    ManagementApi(OkHttpClient http, URI registryUrl, UnaryOperator<Request.Builder> authorize) {
        this.http = http;
        this.registryUrl = registryUrl;
        this.authorize = authorize;
    }

    /** A reply: HTTP status and JSON body (an empty object when there was none). */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The registry's error codes and messages, one line ("DENIED: …; NAME_UNKNOWN: …"), or the bare status. */
        String errors() {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : body.path("errors")) {
                StringBuilder s = new StringBuilder(e.path("code").asText("ERROR")).append(": ").append(e.path("message").asText());
                JsonNode detail = e.path("detail");
                if (detail.isArray()) {
                    for (JsonNode d : detail) {
                        s.append("\n    ").append(d.asText());
                    }
                }
                parts.add(s.toString());
            }
            return parts.isEmpty() ? "HTTP " + status : "HTTP " + status + " " + String.join("; ", parts);
        }
    }

    Reply get(String path) throws IOException {
        return call(new Request.Builder().url(url(path)).get());
    }

    Reply post(String path, JsonNode body) throws IOException {
        return call(new Request.Builder().url(url(path)).post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)));
    }

    /**
     * A POST that may run for a long time (a server-side mirror answers when it is done): no read timeout, but the
     * waiting thread stays interruptible — Jenkins' {@code timeout} and "abort" interrupt it — and then the HTTP call
     * is cancelled, so the registry sees the client go away.
     */
    Reply postAndWait(String path, JsonNode body) throws IOException, InterruptedException {
        // A connection of its own, and no silent second attempt: OkHttp sends a request again when its connection
        // fails (RetryAndFollowUpInterceptor.recover), which for a run the registry may already have started means a
        // second run, refused while the first holds the target (409 MIRROR_RUNNING), instead of the first one's error.
        // A fresh connection cannot be a pooled one the registry has just closed, the failure that retry is there for.
        OkHttpClient patient = http.newBuilder().readTimeout(java.time.Duration.ZERO).retryOnConnectionFailure(false)
                .connectionPool(new okhttp3.ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS)).build();
        okhttp3.Call call = patient.newCall(authorize.apply(new Request.Builder().url(url(path)).header("Accept", "application/json")
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE))).build());
        java.util.concurrent.CompletableFuture<Reply> answer = new java.util.concurrent.CompletableFuture<>();
        call.enqueue(new okhttp3.Callback() {
            @Override
            public void onFailure(okhttp3.Call c, IOException e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void onResponse(okhttp3.Call c, Response rsp) {
                try (rsp) {
                    answer.complete(reply(rsp));
                } catch (IOException | RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }
        });
        try {
            return answer.get();
        } catch (InterruptedException e) {
            call.cancel();
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /** {@code path} below /api/v1, already encoded (repository names are path segments as they are). */
    private String url(String path) {
        return registryUrl.resolve("/api/v1" + path).toString();
    }

    private Reply call(Request.Builder b) throws IOException {
        try (Response rsp = http.newCall(authorize.apply(b.header("Accept", "application/json")).build()).execute()) {
            return reply(rsp);
        }
    }

    private static Reply reply(Response rsp) throws IOException {
        String text = rsp.body() == null ? "" : rsp.body().string();
        JsonNode body;
        try {
            body = text.isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(text);
        } catch (IOException notJson) {
            // A proxy's HTML error page, or a registry without /api/v1: keep the status, drop the body.
            body = JsonNodeFactory.instance.objectNode();
        }
        return new Reply(rsp.code(), body);
    }
}
