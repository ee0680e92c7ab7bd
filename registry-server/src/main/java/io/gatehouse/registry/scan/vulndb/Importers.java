package io.gatehouse.registry.scan.vulndb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The importers by format name, and a guess of the format from a path for "import this file". */
public final class Importers {
    private Importers() {
    }

    /** The paths below {@code dir} (any depth) that {@code wanted} accepts, sorted so that an import is repeatable. */
    static List<Path> filesUnder(Path dir, Predicate<Path> wanted) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(wanted).sorted().toList();
        }
    }

    public static AdvisoryImporter byFormat(String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "osv", "ghsa" -> new OsvImporter();
            case "debian-tracker", "debian" -> new DebianTrackerImporter();
            case "alpine-secdb", "alpine", "secdb" -> new AlpineSecdbImporter();
            case "nvd" -> new NvdImporter();
            default -> throw new IllegalArgumentException("unknown vulnerability data format '" + format
                    + "' (osv, debian-tracker, alpine-secdb, nvd)");
        };
    }

    /**
     * Folders and zips are OSV; YAML is Alpine secdb; JSON is told apart by its opening: NVD pages say
     * "NVD_CVE" or start with "resultsPerPage", secdb has "distroversion", OSV records have "id" and
     * "modified", anything else is taken for the Debian tracker.
     */
    public static AdvisoryImporter detect(Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(path) || name.endsWith(".zip")) {
            return new OsvImporter();
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return new AlpineSecdbImporter();
        }
        if (name.endsWith(".gz")) {
            return new NvdImporter();
        }
        String head;
        try (InputStream in = Files.newInputStream(path)) {
            head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        }
        if (head.contains("\"NVD_CVE\"") || head.contains("\"resultsPerPage\"")) {
            return new NvdImporter();
        }
        if (head.contains("\"distroversion\"")) {
            return new AlpineSecdbImporter();
        }
        if (head.contains("\"modified\"") && head.contains("\"id\"")) {
            return new OsvImporter();
        }
        return new DebianTrackerImporter();
    }
}
