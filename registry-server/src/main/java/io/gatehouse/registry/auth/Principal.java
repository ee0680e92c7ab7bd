package io.gatehouse.registry.auth;

/**
 * Who made a request, once authenticated. Anonymous callers are a principal too, so handlers never see null.
 *
 * @param generation the account's generation when it authenticated ({@link io.gatehouse.registry.accounts.User#generation()}),
 *                   "" for anonymous and built-in principals: tokens issued to this principal carry it, and stop
 *                   working once the account is deleted, re-created, disabled or its password changes
 */
public record Principal(String name, Kind kind, boolean systemAdmin, String generation) {

    public enum Kind { ANONYMOUS, USER, SERVICE_ACCOUNT }

    public static final Principal ANONYMOUS = new Principal("anonymous", Kind.ANONYMOUS, false);

    public Principal {
        generation = generation == null ? "" : generation;
    }

    /** A principal with no account generation (built-in principals, tests). */
    public Principal(String name, Kind kind, boolean systemAdmin) {
        this(name, kind, systemAdmin, "");
    }

    public boolean isAnonymous() {
        return kind == Kind.ANONYMOUS;
    }

    public static Principal user(String name, boolean systemAdmin) {
        return new Principal(name, Kind.USER, systemAdmin);
    }

    public static Principal user(String name, boolean systemAdmin, String generation) {
        return new Principal(name, Kind.USER, systemAdmin, generation);
    }

    public static Principal serviceAccount(String name, boolean systemAdmin, String generation) {
        return new Principal(name, Kind.SERVICE_ACCOUNT, systemAdmin, generation);
    }

    /** The same principal without system-admin standing: what a bearer token that does not carry it acts as. */
    Principal withoutSystemAdmin() {
        return new Principal(name, kind, false, generation);
    }
}
