package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.util.RawValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a management API handler answers: a status and a body that Jackson serialises (null for none). */
public record ApiResult(int status, Object body, Map<String, String> headers) {

    public ApiResult {
        headers = Map.copyOf(headers);
    }

    public static ApiResult ok(Object body) {
        return new ApiResult(200, body, Map.of());
    }

    public static ApiResult created(Object body) {
        return new ApiResult(201, body, Map.of());
    }

    public static ApiResult noContent() {
        return new ApiResult(204, null, Map.of());
    }

    /**
     * A body, or a part of one, that is already JSON (a report the registry stored, or just wrote): written as it
     * is instead of being parsed into a tree only to be serialised again. Null stays null.
     */
    public static Object rawJson(String json) {
        return json == null ? null : new RawValue(json);
    }

    public static Object rawJson(byte[] json) {
        return json == null ? null : rawJson(new String(json, StandardCharsets.UTF_8));
    }
}
