package io.gatehouse.registry.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #13 item 10: a registry's start parses only serve's options (GatehouseCommand.isServeRun, ServeArguments) and sets up logging in code
 * (logging/LogSetup); both as a separate JVM, the way `gatehouse serve` runs.
 */
class ServeStartTest {
    @Test
    void aBadServeOptionIsStillOneLineNamingTheFullCommand() throws Exception {
        Cli.Run run = Cli.java(Map.of(), "serve", "--no-such-option");
        run.assertOneLineError(2);
        assertThat(run.err()).contains("--no-such-option").contains("gatehouse serve --help");
    }

    @Test
    void serveHelpStillListsEverySettingThroughTheWholeCommandTree() throws Exception {
        Cli.Run run = Cli.java(Map.of(), "serve", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: gatehouse serve").contains("GATEHOUSE_ADMIN_PASSWORD");
    }

    @Test
    void aFailedStartLogsOneLineAsShippedWithoutStackTrace() throws Exception {
        // a port that cannot be bound: the start fails after logging is set up
        Cli.Run run = Cli.java(Map.of("GATEHOUSE_HOST", "127.0.0.1", "GATEHOUSE_PORT", "70000"), "serve");
        assertThat(run.code()).isNotZero();
        assertThat(run.out() + run.err()).doesNotContain("\tat ").doesNotContain("logback");
    }
}
