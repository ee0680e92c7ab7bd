package io.gatehouse.registry.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Every command's error as one line, {@code gatehouse <command>: <cause>}, never a stack trace, and never text out of
 * the file being read: Jackson's messages quote the offending token (a password file given to {@code vulndb import}
 * was quoted back), so a parse error is reported by its position only.
 */
public final class CliErrors {
    /** Exit code of a failure nobody planned for (also listed in every command's help). */
    public static final int UNEXPECTED = 1;

    private CliErrors() {
    }

    /** The cause in words: the path for file errors, the position for JSON/YAML errors, else the message. */
    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Jackson's own text, or a wrapper that repeats it: the position only (our own messages pass)
            if (t instanceof JsonProcessingException j && (t == e || String.valueOf(e.getMessage())
                    .contains(String.valueOf(j.getOriginalMessage())))) {
                return "not valid JSON/YAML" + position(j);
            }
        }
        if (e instanceof NoSuchFileException f) return "no such file: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** " at line L, column C" of a parse error, or "" when Jackson does not know. */
    public static String position(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /**
     * Installs the one-line handlers on a command line: errors a command did not catch exit {@value #UNEXPECTED};
     * a bad command line exits 2 with the problem and where to read the usage.
     */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(prefix(cmd) + describe(e));
            return UNEXPECTED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(prefix(cmd) + describe(e) + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }
}
