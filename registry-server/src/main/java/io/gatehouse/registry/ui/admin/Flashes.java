package io.gatehouse.registry.ui.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.registry.ui.UiModel.Message;

import java.time.Duration;

/**
 * The outcome of a change, carried across its redirect (POST, 303, GET) and shown once: kept in memory by session id,
 * never in the URL, since it may hold a new service-account token. Taking it removes it; an outcome nobody came back
 * for is dropped after {@link #LIFE}.
 */
final class Flashes {
    static final Duration LIFE = Duration.ofMinutes(2);

    record Flash(Message message, String token) {
        @Override
        public String toString() {
            return "Flash[message=" + message + ", token=" + (token == null ? null : "<redacted>") + "]";
        }
    }

    private final Cache<String, Flash> flashes = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(LIFE).build();

    void put(String sessionId, Flash flash) {
        if (sessionId != null) flashes.put(sessionId, flash);
    }

    /** The session's pending outcome, removed; null when there is none. */
    Flash take(String sessionId) {
        return sessionId == null ? null : flashes.asMap().remove(sessionId);
    }
}
