package io.gatehouse.registry.scan.cli;

import io.gatehouse.registry.scan.vulndb.AdvisoryImporter;
import io.gatehouse.registry.scan.vulndb.Importers;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The database file: --db, else $GATEHOUSE_SCAN_VULNDB, else ./data/vulndb.sqlite (the registry's default). */
    static Path database(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("GATEHOUSE_SCAN_VULNDB");
        return Path.of(env != null && !env.isBlank() ? env : "data/vulndb.sqlite");
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import vulnerability data files, folders or zips. Each import is all-or-nothing and "
                    + "makes a new database version; a running registry rescans its images when it sees it.")
    public static final class Import implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = "database file (default: $GATEHOUSE_SCAN_VULNDB "
                + "or data/vulndb.sqlite)")
        Path db;

        @Option(names = "--format", description = "osv, debian-tracker, alpine-secdb or nvd (default: detected)")
        String format;

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Override
        public Integer call() throws Exception {
            VulnDb vdb = VulnDb.open(database(db));
            for (Path p : paths) {
                AdvisoryImporter importer = format != null ? Importers.byFormat(format) : Importers.detect(p);
                try {
                    VulnDb.ImportResult r = vdb.importFrom(importer, p);
                    System.out.printf("%s (%s): %d advisories, %d NVD entries; database version %s%n", p,
                            r.format(), r.advisories(), r.nvdEntries(), r.version());
                } catch (java.io.IOException e) {
                    System.err.println("import failed, database unchanged: " + e.getMessage());
                    return 1;
                }
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print the database version and counts.")
    public static final class Info implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = "database file")
        Path db;

        @Override
        public Integer call() throws Exception {
            VulnDb vdb = VulnDb.open(database(db));
            System.out.println("file:     " + vdb.file().toAbsolutePath());
            System.out.println("version:  " + vdb.version());
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(vdb.stats()).entrySet()) {
                System.out.printf("%-9s %d%n", e.getKey() + ":", e.getValue());
            }
            return 0;
        }
    }
}
