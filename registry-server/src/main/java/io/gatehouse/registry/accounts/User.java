package io.gatehouse.registry.accounts;

import java.time.Instant;

/** A person who logs in with a password. The hash never leaves {@link Accounts}. */
public record User(String name, boolean systemAdmin, boolean disabled, Instant createdAt) {
}
