package io.gatehouse.core.sign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a third-party tool with a private HOME, a timeout, and its output captured for the assertion message. */
final class Tools {
    record Run(int exit, String output) {
    }

    private Tools() {
    }

    static Run run(Path workDir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path home = Files.createDirectories(workDir.resolve("home"));
        Path log = Files.createTempFile(workDir, "tool", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("TUF_ROOT", home.resolve("sigstore").toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " timed out: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }
}
