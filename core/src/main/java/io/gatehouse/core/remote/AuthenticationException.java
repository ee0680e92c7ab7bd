package io.gatehouse.core.remote;

import java.util.List;

/** The registry (or its token service) refused us: no or wrong credentials, or not allowed. Never carries secrets. */
public class AuthenticationException extends RegistryException {
    public AuthenticationException(String message, int status) {
        super(message, status, List.of());
    }
}
