package io.gatehouse.core.remote;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A bearer token from a registry's token service for a fixed set of scopes ({@code repository:team/app:pull,push}),
 * fetched with someone's credentials so that a less trusted process (a CI agent) can be given the token instead of
 * the credentials: it is good for those repositories and actions only (the token service grants at most what the
 * credentials hold, possibly less), and only until {@code expiresAt}. {@link #toString()} never shows the value.
 */
public record ScopedToken(String value, Instant expiresAt, List<String> scopes) {
    public ScopedToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = List.copyOf(scopes);
    }

    @Override
    public String toString() {
        return "ScopedToken[****, expires " + expiresAt + ", " + String.join(" ", scopes) + "]";
    }
}
