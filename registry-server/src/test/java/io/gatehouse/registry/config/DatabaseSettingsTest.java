package io.gatehouse.registry.config;

import io.gatehouse.registry.metadata.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** storage.database: a SQLite file or a PostgreSQL URL, and where the PostgreSQL password may come from. */
class DatabaseSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsSqliteAndAJdbcUrlIsPostgres() {
        RegistryConfig sqlite = RegistryConfig.forTesting(dir);
        assertThat(sqlite.databaseDialect()).isEqualTo(Dialect.SQLITE);
        assertThat(sqlite.database()).isEqualTo(dir.resolve("gatehouse.db"));
        RegistryConfig pg = RegistryConfig.load(null, Map.of("GATEHOUSE_DATABASE", "jdbc:postgresql://db:5432/gatehouse?sslmode=require",
                "GATEHOUSE_DATABASE_USER", "gatehouse", "GATEHOUSE_DATABASE_PASSWORD", "s3cret-pw"));
        assertThat(pg.databaseDialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(pg.database()).isNull();
        assertThat(pg.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/gatehouse?sslmode=require");
        assertThat(pg.databaseDescription()).isEqualTo("jdbc:postgresql://db:5432/gatehouse?…");
        assertThat(pg.databaseUser()).isEqualTo("gatehouse");
        assertThat(pg.databasePassword()).isEqualTo("s3cret-pw");
        assertThat(pg.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void thePasswordComesFromAFileAndNeverFromTheUrl() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-a-file\nsecond line ignored\n");
        RegistryConfig pg = RegistryConfig.forTesting(dir).with("storage.database", "jdbc:postgresql://db/gatehouse")
                .with("storage.database_password_file", file.toString()).validated();
        assertThat(pg.databasePassword()).isEqualTo("from-a-file");

        assertThatThrownBy(() -> RegistryConfig.forTesting(dir).with("storage.database", "jdbc:postgresql://db/g?user=x&password=leaked-pw").validated())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the URL").hasMessageNotContaining("leaked-pw");
        assertThatThrownBy(() -> pg.with("storage.database_password", "two-sources").validated())
                .hasMessageContaining("both set").hasMessageNotContaining("two-sources").hasMessageNotContaining("from-a-file");
        assertThatThrownBy(() -> pg.with("storage.database_password_file", dir.resolve("missing").toString()).validated())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("storage.database_password_file: cannot read ");
        assertThatThrownBy(() -> RegistryConfig.forTesting(dir).with("storage.database_password", "x").validated())
                .hasMessageContaining("is for a PostgreSQL storage.database");
    }
}
