package io.gatehouse.registry.accounts;

/** A request about accounts that cannot be honoured: names the reason in words a user can act on. */
public class AccountException extends RuntimeException {

    public enum Reason { INVALID, NOT_FOUND, CONFLICT }

    private final Reason reason;

    public AccountException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
