package io.gatehouse.registry.accounts;

import java.time.Instant;

/**
 * A person who logs in with a password. The hash never leaves {@link Accounts}.
 *
 * @param generation random, drawn anew when the account is created and whenever its credentials or standing change
 *                   (password, disabled, system admin taken away); tokens carry it, so they end with that account
 *                   state. Not a secret: it only tells one account state from another.
 */
public record User(String name, boolean systemAdmin, boolean disabled, Instant createdAt, String generation) {
}
