package io.gatehouse.core.remote;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry's pull quota is spent (HTTP 429) and waiting for it would take longer than we are allowed to wait.
 * Carries when the quota returns, so a mirror can stop cleanly and say when to run again.
 */
public class RateLimitedException extends RegistryException {
    private final Instant resumesAt;
    private final RateLimitStatus status;

    public RateLimitedException(String message, Instant resumesAt, RateLimitStatus status) {
        super(message, 429, List.of("TOOMANYREQUESTS"));
        this.resumesAt = resumesAt;
        this.status = status;
    }

    /** When the registry said (Retry-After) or its rate-limit window implies the quota returns; empty if unknown. */
    public Optional<Instant> resumesAt() {
        return Optional.ofNullable(resumesAt);
    }

    public Optional<RateLimitStatus> rateLimit() {
        return Optional.ofNullable(status);
    }
}
