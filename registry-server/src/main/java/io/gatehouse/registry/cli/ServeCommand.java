package io.gatehouse.registry.cli;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.OpenAccess;
import io.gatehouse.registry.config.RegistryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** {@code gatehouse serve}: run the registry until interrupted (Ctrl-C or SIGTERM stop it gracefully). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the registry. Settings come from built-in defaults, then the YAML file, then environment variables, then these options.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped (Ctrl-C, SIGTERM)", "1:cannot start (the port is taken, the data folder is not writable)",
                "2:bad command line or setting"})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--port", description = "overrides server.port")
    Integer port;

    @Option(names = "--host", description = "overrides server.host")
    String host;

    /** How the registry is assembled; Main may replace it to wire more capabilities (auth, scanning…). */
    static volatile Function<RegistryConfig, RegistryServer.Builder> assembler =
            config -> RegistryServer.builder(config).accessController(new OpenAccess());

    public static void setAssembler(Function<RegistryConfig, RegistryServer.Builder> a) {
        assembler = a;
    }

    @Spec
    CommandSpec spec;

    /**
     * Exit 2 with one line for a bad setting (a value, a file, the bootstrap password), 1 with one line when the
     * registry cannot start (the port is taken, the data folder is not writable): an operator reads the reason, not a
     * stack trace. (The trace of the second kind is still in the log.)
     */
    @Override
    public Integer call() throws Exception {
        RegistryServer server;
        try {
            server = assemble();
        } catch (IllegalArgumentException e) {
            err().println("gatehouse serve: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "gatehouse-shutdown"));
        try {
            server.start();
        } catch (IllegalStateException e) {
            err().println("gatehouse serve: " + reasons(e));
            return 1;
        }
        if (Boolean.getBoolean("gatehouse.cds.training")) {
            // The build's class-data-sharing run (registry-server/pom.xml, docs/registry.md "Start-up"): start,
            // answer one /v2/ request, stop, so that the archive holds the classes of a start and a first answer.
            ClassDataSharingTraining.firstRequest(server);
            server.close();
            return 0;
        }
        stopped.await();
        return 0;
    }

    /**
     * Runs a command {@link ServeArguments} read (no picocli): the same outcome and exit codes as through picocli,
     * including an error nobody planned for as one line with exit {@value CliErrors#UNEXPECTED}.
     */
    public int callPlain() {
        try {
            return call();
        } catch (Exception e) {
            err().println("gatehouse serve: " + CliErrors.describe(e));
            return CliErrors.UNEXPECTED;
        }
    }

    private java.io.PrintWriter err() {
        return spec != null ? spec.commandLine().getErr() : new java.io.PrintWriter(System.err, true);
    }

    private RegistryServer assemble() throws Exception {
        RegistryConfig config = settings.load();
        if (port != null) config = config.withPort(port);
        if (host != null) config = config.with("server.host", host);
        return assembler.apply(config).build();
    }

    /** "cannot start …: Failed to bind … (Address already in use)": each cause's message once. */
    static String reasons(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) sb.append(" (").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }

    /**
     * The help footer: every setting of {@link RegistryConfig#SETTINGS} (all capabilities', grouped by section) with its
     * YAML key, environment variable and default, then the other GATEHOUSE_* variables.
     */
    public static String settingsHelp() {
        StringBuilder sb = new StringBuilder("%nSettings (YAML key / environment variable, default), full table in docs/registry.md:%n");
        String section = null;
        for (RegistryConfig.Setting s : RegistryConfig.SETTINGS) {
            if (!s.section().equals(section)) {
                section = s.section();
                sb.append(String.format("%n %s:%n", section));
            }
            sb.append(String.format("  %-34s %-38s %s%n", s.key(), s.env(), s.shownDefault()))
                    .append(String.format("      %s%n", s.description()));
        }
        sb.append(String.format("%nOther variables:%n"));
        RegistryConfig.OTHER_VARIABLES.forEach((name, meaning) -> sb.append(String.format("  %-34s %s%n", name, meaning)));
        return sb.toString().replace("%", "%%").replace("%%n", "%n");
    }
}
