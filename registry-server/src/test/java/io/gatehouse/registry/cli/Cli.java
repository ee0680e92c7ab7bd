package io.gatehouse.registry.cli;

import io.gatehouse.registry.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code gatehouse} as a user does: in process (quick), or as its own JVM with the shipped logging setup. */
public final class Cli {
    private Cli() {
    }

    /** What a run left: exit code, standard output, standard error. */
    public record Run(int code, String out, String err) {
        /** One line on stderr naming the cause: no stack frame, no exception class, none of {@code secrets}. */
        public Run assertOneLineError(int expectedCode, String... secrets) {
            assertThat(code).as(err).isEqualTo(expectedCode);
            assertThat(err.lines().toList()).as(err).hasSize(1);
            assertThat(err).startsWith("gatehouse ").doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("at io.");
            for (String s : secrets) assertThat(err + out).doesNotContain(s);
            return this;
        }
    }

    /** {@code gatehouse args…} in this JVM, its output captured. */
    public static Run run(String... args) {
        CommandLine cl = io.gatehouse.registry.cli.GatehouseCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * The classpath of a separate {@code gatehouse} JVM: the tests' without their own classes, so that it logs as
     * shipped (LogSetup) rather than by the tests' logback-test.xml.
     */
    public static String shippedClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes/"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Starts {@code gatehouse args…} as a separate JVM (Main.main, logging as shipped, not the tests'). */
    public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", shippedClassPath(), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(log != null);
        if (log != null) pb.redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code gatehouse args…} as a separate JVM to the end. */
    public static Run java(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, null, args);
        p.getOutputStream().close();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("gatehouse exits").isTrue();
        return new Run(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
