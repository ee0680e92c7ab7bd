package io.gatehouse.registry.cluster;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Duration;

/**
 * Tells an outage of a shared part (the database, the object store) from a bug: the first is answered 503 with
 * {@code Retry-After} and logged in one line, the second 500 with its stack trace in the log. Reads the whole cause
 * chain, since JDBI, Hikari and the AWS SDK each wrap what they caught.
 */
public final class Faults {
    /** What 503 answers tell clients to wait before retrying. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private Faults() {
    }

    /** Whether {@code e} (or a cause) says a shared part is unreachable or refused for a moment, so a retry may work. */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClusterUnavailableException) return true;
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) return true;
            if (t instanceof SQLTransientException) return true; // timeouts, serialization failures
            if (t instanceof SQLException s && s.getSQLState() != null && transientState(s.getSQLState())) return true;
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) return true;
            String type = t.getClass().getName();
            // the blob store's own word for "unreachable for now" (S3), by name like the SDK's below
            if (type.equals("io.gatehouse.registry.storage.StorageUnavailableException")) return true;
            // the AWS SDK (S3): a request that never got an answer, or a 5xx/503 SlowDown; by name, so that this class
            // does not need the SDK on the class path
            if (type.equals("software.amazon.awssdk.core.exception.SdkClientException")
                    || type.equals("software.amazon.awssdk.core.exception.ApiCallTimeoutException")
                    || type.equals("software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException")) {
                return true;
            }
            if (type.startsWith("software.amazon.awssdk.") && statusOf(t) >= 500) return true;
        }
        return false;
    }

    /**
     * SQLSTATEs of a database that is away or busy for a moment: class 08 (connection exception), 57P01–57P03 (admin or
     * crash shutdown, cannot connect now), 53300 (too many connections), 40001/40P01 (serialization failure, deadlock:
     * the transaction was rolled back whole and may be run again).
     */
    static boolean transientState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals("40001") || state.equals("40P01");
    }

    private static int statusOf(Throwable t) {
        try {
            Object v = t.getClass().getMethod("statusCode").invoke(t);
            return v instanceof Integer i ? i : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The one line to log for an outage: the innermost message, never a stack trace. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
