package io.gatehouse.registry.cli;

import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.remote.ContainerAuthFiles;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryClientBuilder;
import io.gatehouse.core.remote.RetryPolicy;
import io.gatehouse.core.remote.TlsOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the source and the destination registry. Passwords never go on the command line (they would show in
 * {@code ps} and shell history): they come from a file, an environment variable,
 * or where container tools keep them (see {@link ContainerAuthFiles}).
 */
public final class ConnectionOptions {
    @Option(names = "--authfile", paramLabel = "FILE",
            description = {"credentials file (auth.json or Docker's config.json) to use instead of the default lookup:",
                    "$REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json,",
                    "$DOCKER_CONFIG/config.json or ~/.docker/config.json (credHelpers and credsStore are run)"})
    Path authFile;

    @Option(names = "--src-username", description = "user for the source; password from --src-password-file or $GATEHOUSE_SRC_PASSWORD")
    String srcUsername;

    @Option(names = "--src-password-file", paramLabel = "FILE", description = "file holding the source password or token")
    Path srcPasswordFile;

    @Option(names = "--dest-username", description = "user for the destination; password from --dest-password-file or $GATEHOUSE_DEST_PASSWORD")
    String destUsername;

    @Option(names = "--dest-password-file", paramLabel = "FILE", description = "file holding the destination password or token")
    Path destPasswordFile;

    @Option(names = "--src-ca", paramLabel = "PEM", description = "extra CA certificate(s) to trust for the source")
    Path srcCa;

    @Option(names = "--dest-ca", paramLabel = "PEM", description = "extra CA certificate(s) to trust for the destination")
    Path destCa;

    @Option(names = "--src-tls-verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "verify the source's TLS certificate (default: true; --no-src-tls-verify is insecure)")
    boolean srcTlsVerify = true;

    @Option(names = "--dest-tls-verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "verify the destination's TLS certificate (default: true)")
    boolean destTlsVerify = true;

    @Option(names = "--src-plain-http", description = "talk plain HTTP to the source (default only for loopback hosts)")
    boolean srcPlainHttp;

    @Option(names = "--dest-plain-http", description = "talk plain HTTP to the destination (default only for loopback hosts)")
    boolean destPlainHttp;

    @Option(names = "--max-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "longest Retry-After to wait out when rate limited (default: ${DEFAULT-VALUE}); a longer one stops the run "
                    + "with a message saying when the quota returns")
    long maxWaitSeconds = 60;

    /** The environment: passwords, where the credentials files are, PATH for credential helpers. */
    private Map<String, String> env = System.getenv();

    /**
     * Gives the copy and mirror commands of {@code cl} this environment instead of the JVM's (what tests and embedders
     * use: the lookup of credentials files depends on it, and the JVM's own environment cannot be changed).
     */
    public static void useEnvironment(CommandLine cl, Map<String, String> env) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getMixins().get("connection") instanceof ConnectionOptions c) c.env = Map.copyOf(env);
        }
    }

    RegistryClient source(ImageReference ref) {
        return client(ref, srcUsername, srcPasswordFile, "GATEHOUSE_SRC_PASSWORD", srcCa, srcTlsVerify, srcPlainHttp);
    }

    RegistryClient destination(ImageReference ref) {
        return client(ref, destUsername, destPasswordFile, "GATEHOUSE_DEST_PASSWORD", destCa, destTlsVerify, destPlainHttp);
    }

    /**
     * The source's credentials (from --src-username or the Docker config), or null: what a server-side mirror passes
     * on to the registry that runs it. The registry's own trust settings then apply to the source, so the source TLS
     * options of this command cannot: asking for them is an error rather than silently ignored.
     */
    Credentials sourceCredentials(ImageReference ref) {
        if (srcCa != null || !srcTlsVerify) {
            throw new IllegalArgumentException("--src-ca and --no-src-tls-verify do not apply to --server-side: the registry reaches the upstream with its own trust settings");
        }
        return credentials(ref, srcUsername, srcPasswordFile, "GATEHOUSE_SRC_PASSWORD");
    }

    /** --src-plain-http for a server-side mirror: null lets the registry decide (plain for loopback hosts only). */
    Boolean sourcePlainHttp() {
        return srcPlainHttp ? Boolean.TRUE : null;
    }

    private Credentials credentials(ImageReference ref, String user, Path passwordFile, String passwordEnv) {
        return lookup(ref, user, passwordFile, passwordEnv).credentials().orElse(null);
    }

    private ContainerAuthFiles.Lookup lookup(ImageReference ref, String user, Path passwordFile, String passwordEnv) {
        if (user != null) {
            return new ContainerAuthFiles.Lookup(Optional.of(Credentials.basic(user, password(passwordFile, passwordEnv))),
                    "user " + user + " given on the command line");
        }
        ContainerAuthFiles files = authFile != null ? ContainerAuthFiles.of(authFile, env) : ContainerAuthFiles.fromEnvironment(env);
        return files.lookup(ref.registry(), ref.repository().toString());
    }

    private RegistryClient client(ImageReference ref, String user, Path passwordFile, String passwordEnv, Path ca, boolean verify, boolean plain) {
        ContainerAuthFiles.Lookup creds = lookup(ref, user, passwordFile, passwordEnv);
        RegistryClientBuilder b = RegistryClient.builder(ref.registryHost())
                .credentials(creds.credentials().orElse(null))
                .credentialSource(creds.source())
                .retry(new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(maxWaitSeconds), 5));
        if (!verify) b.tls(TlsOptions.insecure());
        else if (ca != null) b.tls(TlsOptions.withCa(ca));
        if (plain) b.plainHttp(true);
        return b.build();
    }

    private String password(Path file, String envName) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read password file " + file + ": " + e.getMessage());
            }
        }
        String v = env.get(envName);
        if (v == null) throw new IllegalArgumentException("a username was given but no password: use a password file or set $" + envName);
        return v;
    }
}
