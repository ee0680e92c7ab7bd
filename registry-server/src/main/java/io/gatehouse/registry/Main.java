package io.gatehouse.registry;

import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.cli.GatehouseCommand;
import io.gatehouse.registry.cli.ServeArguments;
import io.gatehouse.registry.cli.ServeCommand;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.trust.Trust;

/**
 * Wiring only: the {@code gatehouse} entry point. No picocli type appears in this class's signatures: the launcher
 * looks {@code main} up by reflection, which loads every type its public methods name, and picocli's classes (compiled
 * for Java 5) are the slowest a start loads; a registry's start with a plain command line never loads them
 * ({@link ServeArguments}, issue #13 item 10).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        boolean serve = args.length > 0 && "serve".equals(args[0]);
        if (serve) io.gatehouse.registry.cli.ServeWarmup.start();
        if (!serve) {
            // the tools print their own results on standard output; the library's INFO lines (an import logs what
            // the command prints) would say it twice, so they get warnings only, on standard error (logging/LogSetup)
            System.setProperty("gatehouse.log.level", "WARN");
            System.setProperty("gatehouse.log.target", "System.err");
        }
        ServeCommand.setAssembler(Main::assemble);
        ServeCommand plain = serve ? ServeArguments.parse(java.util.Arrays.copyOfRange(args, 1, args.length)) : null;
        int code = plain != null ? plain.callPlain() : GatehouseCommand.execute(args);
        if (code != 0 || !serve) System.exit(code);
    }

    /** The registry with every capability; access control on by default (auth.enabled=false leaves it open, e.g. for benchmarks). */
    private static RegistryServer.Builder assemble(RegistryConfig config) {
        RegistryServer.Builder b = RegistryServer.builder(config);
        if (AuthWiring.enabled(config)) {
            AuthWiring auth = AuthWiring.install(b, config);
            var scans = io.gatehouse.registry.scan.api.ScanApi.install(b, s -> auth.module());
            var trust = Trust.install(b, s -> auth.module().api(), s -> auth.module().auditLog());
            io.gatehouse.registry.mirror.Mirrors.install(b, s -> auth.module().api(), s -> auth.module().auditLog(), s -> auth.module().tokens());
            // the web interface at /: pages through the same services and access rules as the API
            io.gatehouse.registry.ui.Ui.install(b, s -> auth.module(), scans, trust);
        } else {
            b.accessController(new io.gatehouse.registry.auth.OpenAccess());
            io.gatehouse.registry.scan.api.ScanApi.install(b, null);
            Trust.install(b, null, null);
        }
        return b;
    }
}
