package io.gatehouse.registry;

import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.cli.CliErrors;
import io.gatehouse.registry.cli.CopyCommand;
import io.gatehouse.registry.cli.MirrorCommand;
import io.gatehouse.registry.cli.ServeCommand;
import io.gatehouse.registry.scan.cli.ScanCommand;
import io.gatehouse.registry.scan.cli.VulnDbCommand;
import io.gatehouse.registry.trust.Trust;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Wiring only: the {@code gatehouse} command line. Subcommands: serve (more are added by other capabilities). */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Gatehouse: a companion container registry and its tools.",
        subcommands = {ServeCommand.class, MirrorCommand.class, CopyCommand.class, VulnDbCommand.class, ScanCommand.class,
                io.gatehouse.registry.cli.MigrateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line with this environment (credentials files, passwords, PATH) instead of the JVM's. */
    public static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cl = CliErrors.install(new CommandLine(new Main()));
        io.gatehouse.registry.cli.ConnectionOptions.useEnvironment(cl, env);
        // rendered only when serve's help is shown: listing every setting loads the whole configuration model, which
        // was a tenth of the CPU of a short `gatehouse mirror` run
        cl.getSubcommands().get("serve").getHelpSectionMap()
                .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> String.format(ServeCommand.settingsHelp()));
        return cl;
    }

    /**
     * A registry's start (not its help) parses only {@code serve}'s own options: building the whole command tree
     * reflects over every subcommand's options, about a fifth of the main thread's time to the first answer
     * (issue #13, item 10). Help and version still go through the whole tree, so they read as before.
     */
    static boolean isServeRun(String[] args) {
        if (args.length == 0 || !"serve".equals(args[0])) return false;
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) return false;
        }
        return true;
    }

    public static void main(String[] args) {
        if (args.length > 0 && "serve".equals(args[0])) io.gatehouse.registry.cli.ServeWarmup.start();
        if (args.length == 0 || !"serve".equals(args[0])) {
            // the tools print their own results on standard output; the library's INFO lines (an import logs what
            // the command prints) would say it twice, so they get warnings only, on standard error (logging/LogSetup)
            System.setProperty("gatehouse.log.level", "WARN");
            System.setProperty("gatehouse.log.target", "System.err");
        }
        // Access control on by default (auth.enabled=false leaves the registry open, e.g. for benchmarks).
        ServeCommand.setAssembler(config -> {
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
        });
        int code = isServeRun(args)
                ? CliErrors.install(new CommandLine(new ServeCommand()).setCommandName("gatehouse serve"))
                        .execute(java.util.Arrays.copyOfRange(args, 1, args.length))
                : commandLine().execute(args);
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) System.exit(code);
    }
}
