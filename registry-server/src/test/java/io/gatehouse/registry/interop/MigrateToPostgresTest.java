package io.gatehouse.registry.interop;

import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.cli.Cli;
import io.gatehouse.testing.ExternalTools;
import io.gatehouse.testing.PostgresCluster;
import io.gatehouse.testing.TestImages;
import io.gatehouse.testing.TestImages.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse migrate} on a registry populated by real clients (skopeo, podman, with logins and grants): its
 * SQLite metadata into PostgreSQL and its blobs into another data directory; then the registry served from the target
 * answers the same users with the same images. A second run finds nothing left to do, and a run after losses (a
 * blob file, a tag row) puts back exactly those.
 */
class MigrateToPostgresTest {
    static final String PW = "password-123";

    static Path dir;
    static Clients clients;
    static Image image;
    static Path layout;
    static String targetUrl;
    static Path config;
    static PostgresCluster pg;

    @BeforeAll
    static void populateAndStop() throws Exception {
        ExternalTools.require("skopeo");
        ExternalTools.require("podman");
        pg = PostgresCluster.shared();
        dir = Files.createTempDirectory("gatehouse-migrate-");
        clients = new Clients(Files.createDirectories(dir.resolve("clients")));
        image = TestImages.image(411);
        layout = dir.resolve("layout");
        TestImages.writeOciLayout(layout, "img", image);
        // the single-node registry: SQLite and files, as README command 1 starts it
        try (SecuredRegistry source = new SecuredRegistry(Files.createDirectories(dir.resolve("source")), false)) {
            String hp = source.base.replaceFirst("^https?://", "");
            var a = source.auth().accounts();
            a.createUser("dev", PW.toCharArray(), false);
            a.createOrg("team");
            source.auth().permissions().grant(new Grant(Grant.TargetKind.ORG, "team", Grant.GranteeKind.PRINCIPAL, "dev", Role.WRITE));
            clients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "dev:" + PW, "oci:" + layout + ":img", "docker://" + hp + "/team/app:1.0");
            clients.podman("pull", "--tls-verify=false", "--creds", "dev:" + PW, hp + "/team/app:1.0");
            clients.podman("tag", hp + "/team/app:1.0", hp + "/team/copy:2.0");
            clients.podman("push", "--tls-verify=false", "--creds", "dev:" + PW, hp + "/team/copy:2.0");
        }
        targetUrl = pg.createDatabase();
        Path passwordFile = dir.resolve("db-password");
        Files.writeString(passwordFile, pg.password() + "\n");
        config = dir.resolve("target.yaml");
        Files.writeString(config, """
                storage:
                  data_dir: %s
                  database: %s
                  database_user: %s
                  database_password_file: %s
                """.formatted(dir.resolve("target"), targetUrl, pg.user(), passwordFile));
    }

    @AfterAll
    static void cleanUp() {
        if (clients != null) clients.close();
        if (dir != null) RealClientsContract.deleteTree(dir);
    }

    private static Cli.Run migrate() {
        return Cli.run("migrate", "--from", dir.resolve("source").toString(), "-c", config.toString());
    }

    @Test
    void theMigratedRegistryServesTheSameImagesToTheSameUsersAndARerunContinues() throws Exception {
        Cli.Run first = migrate();
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("migrated: ").contains(" 0 already there").contains("metadata now in " + targetUrl)
                .doesNotContain(pg.password());
        long blobFiles;
        try (Stream<Path> files = Files.walk(dir.resolve("target/blobs"))) {
            blobFiles = files.filter(Files::isRegularFile).count();
        }
        assertThat(blobFiles).isGreaterThanOrEqualTo(image.layers().size() + 1);

        // nothing left to do the second time
        Cli.Run again = migrate();
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("migrated: 0 blobs copied (0 bytes), " + blobFiles + " already there; 0 rows copied");

        // losses on the target (a blob file, a tag) are put back by the next run, and only they
        Path lost;
        try (Stream<Path> files = Files.walk(dir.resolve("target/blobs"))) {
            lost = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Files.delete(lost);
        try (Connection c = DriverManager.getConnection(targetUrl, pg.user(), pg.password()); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM tags WHERE name = '2.0'")).isEqualTo(1);
        }
        Cli.Run resumed = migrate();
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("migrated: 1 blobs copied").contains("table tags: 1 rows copied").contains("; 1 rows copied;");
        assertThat(lost).exists();

        // served from the target: PostgreSQL and the new data directory; the same users, passwords, grants and images
        try (SecuredRegistry target = new SecuredRegistry(Files.createDirectories(dir.resolve("target-run")), false,
                c -> c.with("storage.data_dir", dir.resolve("target").toString()).with("storage.database", targetUrl)
                        .with("storage.database_user", pg.user()).with("storage.database_password_file", dir.resolve("db-password").toString()),
                1000)) {
            String hp = target.base.replaceFirst("^https?://", "");
            assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "dev:" + PW, "docker://" + hp + "/team/app:1.0"))
                    .isEqualTo(image.manifest().text());
            Path back = dir.resolve("back");
            clients.skopeo("copy", "--src-tls-verify=false", "--src-creds", "dev:" + PW, "docker://" + hp + "/team/app:1.0", "oci:" + back + ":b");
            for (var layer : image.layers()) {
                assertThat(back.resolve("blobs/sha256/" + layer.digest().substring("sha256:".length()))).exists();
            }
            clients.podman("pull", "--tls-verify=false", "--creds", "dev:" + PW, hp + "/team/copy:2.0");
            assertThat(target.auth().auditLog().query(new AuditQuery("dev", AuditEvent.MANIFEST_PUSH, "team/*", null, null, 10, 0)))
                    .hasSizeGreaterThanOrEqualTo(2);
            // pushes go on in the target, with ids after the migrated ones
            clients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "dev:" + PW, "oci:" + layout + ":img", "docker://" + hp + "/team/after:1");
        }
    }

    @Test
    void badSourcesAndAWrongPasswordAreOneLine() throws Exception {
        Cli.run("migrate", "--from", dir.resolve("nowhere").toString(), "-c", config.toString())
                .assertOneLineError(2, pg.password());
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not-the-password-77\n");
        Path badConfig = dir.resolve("bad.yaml");
        Files.writeString(badConfig, Files.readString(config).replace(dir.resolve("db-password").toString(), wrong.toString()));
        Cli.run("migrate", "--from", dir.resolve("source").toString(), "-c", badConfig.toString())
                .assertOneLineError(1, "not-the-password-77", pg.password());
    }
}
