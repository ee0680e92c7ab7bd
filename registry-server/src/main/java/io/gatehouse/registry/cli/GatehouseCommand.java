package io.gatehouse.registry.cli;

import io.gatehouse.registry.scan.cli.ScanCommand;
import io.gatehouse.registry.scan.cli.VulnDbCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gatehouse} command line (picocli): every subcommand, help and version. A registry's start with a plain
 * command line does not come here ({@link ServeArguments}): picocli is compiled for Java 5, so its classes can be
 * neither archived for class data sharing nor checked by the fast verifier, which made it a fifth of a start.
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Gatehouse: a companion container registry and its tools.",
        subcommands = {ServeCommand.class, MirrorCommand.class, CopyCommand.class, VulnDbCommand.class, ScanCommand.class,
                MigrateCommand.class,
                CommandLine.HelpCommand.class})
public final class GatehouseCommand implements Runnable {

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
        CommandLine cl = CliErrors.install(new CommandLine(new GatehouseCommand()));
        ConnectionOptions.useEnvironment(cl, env);
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
    public static boolean isServeRun(String[] args) {
        if (args.length == 0 || !"serve".equals(args[0])) return false;
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) return false;
        }
        return true;
    }

    /** Runs {@code gatehouse args…}; the exit code. */
    public static int execute(String[] args) {
        return isServeRun(args)
                ? CliErrors.install(new CommandLine(new ServeCommand()).setCommandName("gatehouse serve"))
                        .execute(java.util.Arrays.copyOfRange(args, 1, args.length))
                : commandLine().execute(args);
    }
}
