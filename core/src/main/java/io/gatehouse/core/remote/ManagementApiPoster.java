package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Json;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * POSTs to Gatehouse's management API ({@code /api/v1}). Apart from /v2 because that API takes Basic auth and its
 * calls may start work, so none of the endpoint's token flow or retries applies.
 */
final class ManagementApiPoster {
    private final RegistryEndpoint endpoint;

    ManagementApiPoster(RegistryEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    JsonNode postApi(String path, JsonNode body, Duration timeout) {
        HttpUrl url = endpoint.url("/api/v1" + path);
        String registry = endpoint.registry();
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body: " + e.getOriginalMessage(), e);
        }
        Request.Builder rb = new Request.Builder().url(url).post(RequestBody.create(json, MediaType.get("application/json")));
        try (Response r = endpoint.sendOnceWithBasic(rb, timeout)) {
            if (!r.isSuccessful()) throw endpoint.error("POST", url.encodedPath(), r);
            return RegistryEndpoint.readJson(r, url.encodedPath());
        } catch (InterruptedIOException e) {
            throw new RegistryException("POST " + url.encodedPath() + " on " + registry + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new RegistryException("POST " + url.encodedPath() + " on " + registry + " failed: " + e.getMessage(), e);
        }
    }
}
