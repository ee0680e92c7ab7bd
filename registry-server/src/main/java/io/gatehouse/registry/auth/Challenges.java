package io.gatehouse.registry.auth;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** The denials the access controller answers with, each carrying the headers the token spec asks for. */
public final class Challenges {

    private final Supplier<String> realm;
    private final String service;

    /** @param realm the token endpoint's absolute URL; a supplier because the port may be known only after start */
    public Challenges(Supplier<String> realm, String service) {
        this.realm = realm;
        this.service = service;
    }

    public String realm() {
        return realm.get();
    }

    public String service() {
        return service;
    }

    /** 401 with {@code WWW-Authenticate: Bearer realm=…,service=…[,scope=…][,error=…]}. */
    public Decision.Denied unauthorized(Scope scope, String error, String message) {
        StringBuilder h = new StringBuilder("Bearer realm=\"").append(quote(realm.get())).append("\",service=\"").append(quote(service)).append('"');
        if (scope != null && !scope.isBase()) h.append(",scope=\"").append(quote(scope.toString())).append('"');
        if (error != null) h.append(",error=\"").append(error).append('"');
        return new Decision.Denied(401, "UNAUTHORIZED", message, Map.of("WWW-Authenticate", h.toString()));
    }

    public Decision.Denied authenticationRequired(Scope scope) {
        return unauthorized(scope, null, "authentication required");
    }

    public Decision.Denied insufficientScope(Scope scope) {
        return unauthorized(scope, "insufficient_scope", "access to the requested resource is not authorized");
    }

    public Decision.Denied invalidToken(Scope scope) {
        return unauthorized(scope, "invalid_token", "the bearer token is invalid or has expired");
    }

    public Decision.Denied invalidCredentials(Scope scope) {
        return unauthorized(scope, null, "invalid username or password");
    }

    public static Decision.Denied denied() {
        return new Decision.Denied(403, "DENIED", "requested access to the resource is denied", Map.of());
    }

    /** What a hidden repository answers: the same as a repository that does not exist. */
    public static Decision.Denied nameUnknown() {
        return new Decision.Denied(404, "NAME_UNKNOWN", "repository name not known to registry", Map.of());
    }

    public static Decision.Denied tooManyRequests(Duration retryAfter) {
        long s = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new Decision.Denied(429, "TOOMANYREQUESTS", "too many failed login attempts; retry in " + s + " seconds",
                Map.of("Retry-After", Long.toString(s)));
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
