package io.gatehouse.registry.cli;

import java.nio.file.Path;

/**
 * {@code gatehouse serve}'s everyday command lines read without picocli: nothing, or its own long and short options
 * each given once ({@code --port 5000}, {@code --port=5000}, {@code -c FILE}, {@code --data-dir DIR},
 * {@code --host H}). Everything else (help, version, an unknown or repeated option, a port that is not a number, an
 * attached short option) goes to picocli, which reads it and words its errors as before.
 *
 * <p>Why: picocli is compiled for Java 5, so the JVM can neither keep its classes in the class data sharing archive
 * nor check them with the fast verifier; its ~170 classes were a fifth of the main thread's time to a restarted
 * registry's first answer (issue #13 item 10, bench/startup.sh). {@code ServeArgumentsTest} holds this reading and
 * picocli's to the same result for the same command lines, and to the same option names.
 */
public final class ServeArguments {
    /** The options read here, as ServeCommand and SettingsOptions declare them (each takes one value). */
    static final java.util.List<String> OPTIONS = java.util.List.of("-c", "--config", "--data-dir", "--port", "--host");

    private ServeArguments() {
    }

    /** The command for {@code serve args…}, or null when picocli must read these arguments. */
    public static ServeCommand parse(String[] args) {
        ServeCommand cmd = new ServeCommand();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return null;
            }
            if (value.isEmpty() || !OPTIONS.contains(name) || !seen.add(name.equals("-c") ? "--config" : name)) return null;
            switch (name) {
                case "-c", "--config" -> cmd.settings.configFile = Path.of(value);
                case "--data-dir" -> cmd.settings.dataDir = Path.of(value);
                case "--host" -> cmd.host = value;
                case "--port" -> {
                    if (!value.matches("[1-9][0-9]{0,8}")) return null;
                    cmd.port = Integer.valueOf(value);
                }
                default -> {
                    return null;
                }
            }
        }
        return cmd;
    }
}
