package io.gatehouse.core.remote;

import java.util.Objects;

/**
 * A username and password (or access token), or an OAuth identity (refresh) token as {@code docker login} stores for
 * some registries. {@link #toString()} never shows the secret.
 */
public final class Credentials {
    private final String username;
    private final String password;
    private final String identityToken;

    private Credentials(String username, String password, String identityToken) {
        this.username = username;
        this.password = password;
        this.identityToken = identityToken;
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"), null);
    }

    public static Credentials identityToken(String username, String token) {
        return new Credentials(username, null, Objects.requireNonNull(token, "token"));
    }

    public String username() {
        return username;
    }

    /** The secret; only for building an Authorization header or a token request. */
    String password() {
        return password;
    }

    String identityToken() {
        return identityToken;
    }

    boolean hasIdentityToken() {
        return identityToken != null;
    }

    String basicHeader() {
        return okhttp3.Credentials.basic(username, password, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code username} and {@code password} into {@code body}: for an API that takes credentials for another
     * registry in its request (Gatehouse's server-side mirror), sent over TLS or loopback. An identity token is not a
     * password and is refused.
     */
    public void writeTo(com.fasterxml.jackson.databind.node.ObjectNode body) {
        if (hasIdentityToken()) {
            throw new IllegalArgumentException("the credentials for " + username + " are an identity token; this needs a username and password (or access token)");
        }
        body.put("username", username).put("password", password);
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ****]";
    }
}
