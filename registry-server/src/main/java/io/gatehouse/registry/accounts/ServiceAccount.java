package io.gatehouse.registry.accounts;

import java.time.Instant;

/**
 * A machine identity (Jenkins, a mirror job) that authenticates with a long random token instead of a password.
 *
 * @param generation random, drawn when the account is created: bearer tokens carry it (see {@link User#generation()})
 */
public record ServiceAccount(String name, String description, boolean systemAdmin, Instant expiresAt, Instant revokedAt,
                             String createdBy, Instant createdAt, String generation) {

    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** The account and its token, which exists in clear only in this one response. */
    public record Created(ServiceAccount account, String token) {
        @Override
        public String toString() {
            return "Created[account=" + account + ", token=<redacted>]";
        }
    }
}
