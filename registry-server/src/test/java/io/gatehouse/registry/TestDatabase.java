package io.gatehouse.registry;

import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.metadata.Database;
import io.gatehouse.testing.PostgresCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;

/**
 * Which metadata database the registries of a test class use. Test fixtures build their configuration with
 * {@link #forTesting(Path)} instead of {@link RegistryConfig#forTesting(Path)}: SQLite as always, or — while a class
 * annotated {@link OnPostgres} runs — a fresh database in the JVM's throwaway PostgreSQL cluster
 * ({@link PostgresCluster#shared()}). So a suite runs on PostgreSQL by a subclass of one line:
 * <pre>
 * &#64;TestDatabase.OnPostgres
 * class BlobApiOnPostgresTest extends BlobApiTest {
 * }
 * </pre>
 * Test classes run one at a time (no parallel execution is configured), which is what lets the switch be a static.
 */
public final class TestDatabase {
    private static volatile boolean postgres;
    private static String template;

    private TestDatabase() {
    }

    /** Runs the class's registries (those whose fixtures use {@link TestDatabase#forTesting}) on PostgreSQL. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Inherited
    @ExtendWith(Switch.class)
    public @interface OnPostgres {
    }

    /** The extension behind {@link OnPostgres}. */
    public static final class Switch implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            PostgresCluster.shared(); // started (or the class skipped/failed for a missing PostgreSQL) before any fixture
            postgres = true;
        }

        @Override
        public void afterAll(ExtensionContext context) {
            postgres = false;
        }
    }

    /** Whether the running class is on PostgreSQL. */
    public static boolean onPostgres() {
        return postgres;
    }

    /** {@link RegistryConfig#forTesting}, on a fresh PostgreSQL database while an {@link OnPostgres} class runs. */
    public static RegistryConfig forTesting(Path dataDir) {
        RegistryConfig c = RegistryConfig.forTesting(dataDir);
        return postgres ? postgres(c) : c;
    }

    /** {@code config} with a fresh database of the shared cluster, the password given as GATEHOUSE_DATABASE_PASSWORD would. */
    public static RegistryConfig postgres(RegistryConfig config) {
        PostgresCluster pg = PostgresCluster.shared();
        return config.with("storage.database", migratedDatabase()).with("storage.database_user", pg.user())
                .with("storage.database_password", pg.password());
    }

    /**
     * A fresh database of the shared cluster with the registry's schema, copied from a template migrated once per JVM
     * (a Flyway run on PostgreSQL costs seconds; {@code CREATE DATABASE … TEMPLATE} a fraction of one). The Flyway path
     * itself is tested where databases start empty (PostgresMetadataStoreTest, MigrateToPostgresTest).
     */
    public static synchronized String migratedDatabase() {
        PostgresCluster pg = PostgresCluster.shared();
        if (template == null) {
            String url = pg.createDatabase();
            Database.openPostgres(url, pg.user(), pg.password(), 2).close(); // migrated (Flyway takes two connections), then none left
            template = PostgresCluster.databaseName(url);
        }
        return pg.createDatabase(template);
    }
}
