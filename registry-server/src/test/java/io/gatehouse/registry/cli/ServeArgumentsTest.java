package io.gatehouse.registry.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServeArguments} reads serve's everyday command lines without picocli (issue #13 item 10); for each one it
 * reads, picocli must read the same, and it must know exactly serve's value options, so that the two cannot drift.
 */
class ServeArgumentsTest {
    @Test
    void itKnowsExactlyServesOwnValueOptions() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new ServeCommand()).getCommandSpec();
        Set<String> picocli = new TreeSet<>();
        spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).forEach(o -> {
            assertThat(o.arity().min()).as(o.longestName()).isEqualTo(1);
            picocli.addAll(List.of(o.names()));
        });
        assertThat(new TreeSet<>(ServeArguments.OPTIONS)).isEqualTo(picocli);
    }

    @Test
    void whatItReadsPicocliReadsTheSame() {
        String[][] lines = {
                {},
                {"--port", "5000"},
                {"--port=5001", "--host", "0.0.0.0"},
                {"-c", "/etc/gatehouse.yaml", "--data-dir", "/var/lib/gatehouse"},
                {"--config=conf.yaml", "--data-dir=data dir", "--host=localhost", "--port", "443"},
                {"--host", "::1", "--port", "1"},
        };
        for (String[] line : lines) {
            ServeCommand ours = ServeArguments.parse(line);
            assertThat(ours).as(String.join(" ", line)).isNotNull();
            ServeCommand theirs = new ServeCommand();
            new CommandLine(theirs).parseArgs(line);
            assertThat(List.of(String.valueOf(ours.port), String.valueOf(ours.host),
                    String.valueOf(ours.settings.configFile), String.valueOf(ours.settings.dataDir)))
                    .as(String.join(" ", line))
                    .isEqualTo(List.of(String.valueOf(theirs.port), String.valueOf(theirs.host),
                            String.valueOf(theirs.settings.configFile), String.valueOf(theirs.settings.dataDir)));
        }
    }

    @Test
    void everythingElseIsLeftToPicocliAndItsErrors() {
        String[][] lines = {
                {"--help"}, {"-h"}, {"-V"}, {"--version"},
                {"--no-such-option"}, {"extra"},
                {"--port"}, {"--port", "http"}, {"--port", "0x10"}, {"--port", "010"}, {"--port="}, {"--port", "99999999999"},
                {"--port", "1", "--port", "2"}, {"-c", "a", "--config", "b"},
                {"-ca.yaml"}, {"-c=a.yaml"}, {"--host", "--port"}, {"--", "--port", "1"},
        };
        for (String[] line : lines) {
            assertThat(ServeArguments.parse(line)).as(String.join(" ", line)).isNull();
        }
    }
}
