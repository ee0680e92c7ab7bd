package io.gatehouse.registry.scan.cli;

import io.gatehouse.registry.cli.CliErrors;
import io.gatehouse.registry.cli.SettingsOptions;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.vulndb.AdvisoryImporter;
import io.gatehouse.registry.scan.vulndb.Importers;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse vulndb import|info}: fill and inspect the vulnerability database offline (registries behind a
 * firewall get their data as files: OSV all.zip, the Debian tracker JSON, Alpine secdb, NVD pages).
 */
@Command(name = "vulndb", mixinStandardHelpOptions = true,
        description = "Manage the local vulnerability database the scanner matches against.",
        subcommands = {VulnDbCommand.Import.class, VulnDbCommand.Info.class})
public final class VulnDbCommand implements Runnable {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int NO_DATABASE = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the database is: --db, else the registry's own file under the same settings as {@code serve}. */
    static Path database(Path option, SettingsOptions settings) {
        return option != null ? option : ScanService.vulnDbFile(settings.load());
    }

    static final String DB_HELP = "database file (default: the registry's, scan.vulndb or <data dir>/vulndb.sqlite "
            + "under the settings of -c, the environment and --data-dir, as for serve)";

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import vulnerability data files, folders or zips. Each import is all-or-nothing and "
                    + "makes a new database version; a running registry notices it within seconds, labels new "
                    + "reports with it and rescans its images.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:imported", "1:an import failed (the database is unchanged by it)",
                    "2:bad command line, settings or format"})
    public static final class Import implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = DB_HELP)
        Path db;

        @Mixin
        SettingsOptions settings = new SettingsOptions();

        @Option(names = "--format", description = "osv, debian-tracker, alpine-secdb or nvd (default: detected)")
        String format;

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path file;
            try {
                file = database(db, settings);
                if (format != null) Importers.byFormat(format);
            } catch (IllegalArgumentException e) {
                err.println("gatehouse vulndb import: " + e.getMessage());
                return BAD_INPUT;
            }
            try (VulnDb vdb = VulnDb.open(file)) {
                for (Path p : paths) {
                    try {
                        if (!Files.exists(p)) throw new NoSuchFileException(p.toString());
                        AdvisoryImporter importer = format != null ? Importers.byFormat(format) : Importers.detect(p);
                        VulnDb.ImportResult r = vdb.importFrom(importer, p);
                        out.printf("%s (%s): %d advisories, %d NVD entries; database version %s%n", p,
                                r.format(), r.advisories(), r.nvdEntries(), r.version());
                        out.flush();
                    } catch (IOException e) {
                        err.println("gatehouse vulndb import: " + CliErrors.describe(e) + " (database unchanged by it)");
                        return FAILED;
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print the database file, version and counts. Reads only: a missing database is an error.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:printed", "1:the file is not a vulnerability database", "2:bad command line or settings",
                    "3:no database at that path (create one with gatehouse vulndb import)"})
    public static final class Info implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = DB_HELP)
        Path db;

        @Mixin
        SettingsOptions settings = new SettingsOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path file;
            try {
                file = database(db, settings);
            } catch (IllegalArgumentException e) {
                err.println("gatehouse vulndb info: " + e.getMessage());
                return BAD_INPUT;
            }
            try (VulnDb vdb = VulnDb.openReadOnly(file)) {
                out.println("file:     " + vdb.file().toAbsolutePath());
                out.println("version:  " + vdb.version());
                for (Map.Entry<String, Long> e : new java.util.TreeMap<>(vdb.stats()).entrySet()) {
                    out.printf("%-9s %d%n", e.getKey() + ":", e.getValue());
                }
                return 0;
            } catch (NoSuchFileException e) {
                err.println("gatehouse vulndb info: no vulnerability database at " + file
                        + " (create it with: gatehouse vulndb import)");
                return NO_DATABASE;
            } catch (IOException e) {
                err.println("gatehouse vulndb info: " + CliErrors.describe(e));
                return FAILED;
            }
        }
    }
}
