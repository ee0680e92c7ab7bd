package io.gatehouse.registry.auth;

/**
 * The client address of the request the current thread is serving, set by the access controller when it
 * authorizes. Registry events fire synchronously on the request thread after authorization, so listeners (the
 * audit log) can say where a push or delete came from without the event carrying it.
 */
public final class RequestContext {

    private static final ThreadLocal<String> REMOTE = new ThreadLocal<>();

    private RequestContext() {
    }

    static void remoteAddress(String address) {
        REMOTE.set(address);
    }

    /** The address of the request being served on this thread, or "" when unknown. */
    public static String remoteAddress() {
        String a = REMOTE.get();
        return a == null ? "" : a;
    }
}
