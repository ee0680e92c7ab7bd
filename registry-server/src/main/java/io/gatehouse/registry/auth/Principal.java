package io.gatehouse.registry.auth;

/** Who made a request, once authenticated. Anonymous callers are a principal too, so handlers never see null. */
public record Principal(String name, Kind kind, boolean systemAdmin) {

    public enum Kind { ANONYMOUS, USER, SERVICE_ACCOUNT }

    public static final Principal ANONYMOUS = new Principal("anonymous", Kind.ANONYMOUS, false);

    public boolean isAnonymous() {
        return kind == Kind.ANONYMOUS;
    }

    public static Principal user(String name, boolean systemAdmin) {
        return new Principal(name, Kind.USER, systemAdmin);
    }

    public static Principal serviceAccount(String name, boolean systemAdmin) {
        return new Principal(name, Kind.SERVICE_ACCOUNT, systemAdmin);
    }
}
