package io.gatehouse.registry.api;

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
}
