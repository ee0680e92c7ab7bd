package io.gatehouse.jenkins.service;

/**
 * Credentials for the registry or an upstream: a username and password, or a bare token (username null).
 * The secret is held as a char[] copy taken from the Jenkins {@code Secret} at the last moment;
 * {@link #toString()} never shows it, so it cannot reach a log or an exception message by accident.
 */
public record RegistryAuth(String username, char[] secret) implements java.io.Serializable {
    public static final RegistryAuth ANONYMOUS = new RegistryAuth(null, null);

    public boolean isAnonymous() {
        return secret == null;
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : (username == null ? "token(****)" : username + "/****");
    }
}
