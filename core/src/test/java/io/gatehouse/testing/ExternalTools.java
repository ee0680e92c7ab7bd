package io.gatehouse.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the third-party programs the integration tests drive (skopeo, podman, docker, docker-registry, cosign…).
 * On a developer machine a missing tool skips the test; under CI (CI=true) it fails it, because `.ci/run`
 * installs every tool and a silently skipped interoperability test would hide a regression.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** The sigstore-enabled cosign and skopeo live here (installed by shared/tools/install-sigstore-tools.sh). */
    public static Path sigstoreBin() {
        String env = System.getenv("GATEHOUSE_SIGSTORE_BIN");
        return Path.of(env != null && !env.isBlank() ? env : "/opt/sigstore-tools/bin");
    }

    /** Path of {@code command} on PATH (or in the sigstore tools folder for cosign), or fails/skips the test. */
    public static Path require(String command) {
        Path found = find(command);
        if (found == null) {
            String why = (command.equals("__missing_postgresql_initdb__") ? "PostgreSQL 15 (Debian package postgresql)" : command)
                    + " is not installed (bash .ci/run installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return found;
    }

    /** The sigstore-enabled skopeo 1.18 (Debian 12's skopeo has sigstore compiled out). */
    public static Path requireSigstoreSkopeo() {
        Path p = sigstoreBin().resolve("skopeo");
        if (!Files.isExecutable(p)) {
            return require("__missing_sigstore_skopeo__");
        }
        return p;
    }

    /**
     * The bin folder of PostgreSQL 15 from Debian's {@code postgresql} package ({@code /usr/lib/postgresql/15/bin}:
     * initdb, pg_ctl, createdb are not on PATH), or a newer major version when 15 is absent; fails/skips like
     * {@link #require}.
     */
    public static Path requirePostgresBin() {
        Path root = Path.of("/usr/lib/postgresql");
        Path preferred = root.resolve("15/bin");
        if (Files.isExecutable(preferred.resolve("initdb"))) return preferred;
        try (var versions = Files.list(root)) {
            var newest = versions.filter(v -> v.getFileName().toString().matches("\\d+")
                            && Integer.parseInt(v.getFileName().toString()) >= 15 && Files.isExecutable(v.resolve("bin/initdb")))
                    .max(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())));
            if (newest.isPresent()) return newest.get().resolve("bin");
        } catch (java.io.IOException ignored) {
            // no /usr/lib/postgresql at all
        }
        return require("__missing_postgresql_initdb__").getParent();
    }

    public static Path find(String command) {
        if (command.equals("cosign")) {
            Path p = sigstoreBin().resolve("cosign");
            if (Files.isExecutable(p)) return p;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return p;
        }
        for (String dir : new String[]{"/usr/sbin", "/sbin", "/usr/bin"}) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
