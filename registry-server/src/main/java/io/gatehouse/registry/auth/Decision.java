package io.gatehouse.registry.auth;

import java.util.Map;

/** The answer of {@link AccessController#authorize}: allowed with the caller, or the exact response to send. */
public sealed interface Decision {

    record Allowed(Principal principal) implements Decision {
    }

    /**
     * @param status    HTTP status: 401 (with a {@code WWW-Authenticate} challenge in headers), 403, 404 (hidden
     *                  repository, answered as if it did not exist) or 429 (throttled)
     * @param errorCode the OCI error code for the JSON body: UNAUTHORIZED, DENIED, NAME_UNKNOWN, TOOMANYREQUESTS
     */
    record Denied(int status, String errorCode, String message, Map<String, String> headers) implements Decision {
        public Denied {
            headers = Map.copyOf(headers);
        }
    }
}
