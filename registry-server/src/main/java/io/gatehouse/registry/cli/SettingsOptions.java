package io.gatehouse.registry.cli;

import io.gatehouse.registry.config.RegistryConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the settings come from, the same for every command that touches the registry's files ({@code serve},
 * {@code vulndb}, {@code scan}): built-in defaults, then the YAML file ({@code -c} or $GATEHOUSE_CONFIG), then the
 * GATEHOUSE_* environment, then {@code --data-dir}. One resolution, so {@code vulndb import} after
 * {@code serve -c gatehouse.yaml} fills the database that registry reads, not one under the current directory.
 */
public final class SettingsOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file (default: $GATEHOUSE_CONFIG if set)")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "overrides storage.data_dir")
    Path dataDir;

    /** The environment settings are read from; tests replace it. */
    Map<String, String> env = System.getenv();

    /**
     * The resolved settings.
     *
     * @throws IllegalArgumentException a bad value, or a configuration file that cannot be read (one line, naming it)
     */
    public RegistryConfig load() {
        Path file = configFile;
        if (file == null && env.get("GATEHOUSE_CONFIG") != null) file = Path.of(env.get("GATEHOUSE_CONFIG"));
        RegistryConfig config;
        try {
            config = RegistryConfig.load(file, env);
        } catch (java.io.UncheckedIOException e) {
            // not e's message: YAML parse errors quote the offending line of the file
            throw new IllegalArgumentException("cannot read configuration " + file + ": " + CliErrors.describe(e.getCause()), e);
        }
        return dataDir != null ? config.withDataDir(dataDir) : config;
    }
}
