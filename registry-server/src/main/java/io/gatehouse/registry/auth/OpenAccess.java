package io.gatehouse.registry.auth;

/**
 * Lets everyone do everything as {@link Principal#ANONYMOUS}. Only for tests and benchmarks that measure the
 * registry without authentication; never the default of a started server once accounts exist.
 */
public final class OpenAccess implements AccessController {

    @Override
    public Decision authorize(String authorization, String remoteAddress, Scope required) {
        return new Decision.Allowed(Principal.ANONYMOUS);
    }

    @Override
    public boolean mayRead(Principal principal, String repository) {
        return true;
    }
}
