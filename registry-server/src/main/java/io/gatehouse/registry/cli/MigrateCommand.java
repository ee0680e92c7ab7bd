package io.gatehouse.registry.cli;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.metadata.Database;
import io.gatehouse.registry.metadata.Dialect;
import io.gatehouse.registry.migrate.RegistryMigration;
import io.gatehouse.registry.storage.BlobStore;
import io.gatehouse.registry.storage.FileSystemBlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse migrate}: moves a single-node registry (its data directory: SQLite metadata and blobs) into the
 * deployment that the usual settings describe (-c, the environment, --data-dir: typically a PostgreSQL
 * {@code storage.database} and the blob storage the replicas share). See {@link RegistryMigration}.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy a single-node registry's blobs and metadata into the storage and database of the settings "
                + "(-c, GATEHOUSE_* variables, --data-dir), e.g. SQLite to PostgreSQL. Blobs are verified by digest; "
                + "running it again continues where it stopped and skips what is there. Stop the source registry first; "
                + "start the target afterwards.",
                "The database password comes from GATEHOUSE_DATABASE_PASSWORD or storage.database_password_file, as for serve."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:migrated (or nothing left to do)", "1:a step failed (run again to continue)",
                "2:bad command line or setting"})
public final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "the source registry's data directory (its storage.data_dir)")
    Path from;

    @Option(names = "--from-database", paramLabel = "FILE",
            description = "the source registry's SQLite file (default: <DIR>/gatehouse.db)")
    Path fromDatabase;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RegistryConfig target;
        try {
            target = settings.load().validated();
        } catch (IllegalArgumentException e) {
            err.println("gatehouse migrate: " + e.getMessage());
            return 2;
        }
        Path sourceDb = fromDatabase != null ? fromDatabase : from.resolve("gatehouse.db");
        if (!Files.isDirectory(from)) {
            err.println("gatehouse migrate: no such directory: " + from);
            return 2;
        }
        if (!Files.isRegularFile(sourceDb)) {
            err.println("gatehouse migrate: no registry database at " + sourceDb + " (see --from-database)");
            return 2;
        }
        if (target.databaseDialect() == Dialect.SQLITE && Files.exists(target.database())
                && Files.isSameFile(target.database(), sourceDb)) {
            err.println("gatehouse migrate: the target database is the source database (" + sourceDb
                    + "): set storage.database to the new one, e.g. a jdbc:postgresql:// URL");
            return 2;
        }
        try (Database source = Database.open(sourceDb, 2);
             Database dest = RegistryServer.openDatabase(target)) {
            BlobStore sourceBlobs = new FileSystemBlobStore(from, false);
            // the target's blob storage as serve opens it (storage.data_dir; S3 when storage.driver says so)
            BlobStore targetBlobs = io.gatehouse.registry.storage.BlobStores.open(target);
            RegistryMigration.Report r = new RegistryMigration(source, sourceBlobs, dest, targetBlobs, line -> {
                out.println(line);
                out.flush();
            }).run();
            out.println("migrated: " + r.blobsCopied() + " blobs copied (" + r.bytesCopied() + " bytes), " + r.blobsPresent()
                    + " already there; " + r.rowsTotal() + " rows copied; " + r.manifestsVerified() + " manifests verified; "
                    + "metadata now in " + target.databaseDescription());
            return 0;
        } catch (RegistryMigration.MigrationException | IllegalStateException | java.io.IOException e) {
            err.println("gatehouse migrate: " + CliErrors.describe(e));
            return 1;
        }
    }
}
