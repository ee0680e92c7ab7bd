package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `gatehouse vulndb import` and `gatehouse scan` on an OCI layout, in process. */
class ScanCliTest {
    @TempDir
    Path dir;

    static String put(Path blobs, byte[] data) throws IOException {
        Digest d = Digest.sha256(data);
        Files.write(blobs.resolve(d.hex()), data);
        return d.toString();
    }

    @Test
    void importThenScanALayout() throws IOException {
        Path db = dir.resolve("v.sqlite");
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("vulndb", "import", "--db", db.toString(),
                TestData.path("/vuln/ghsa").toString())).isZero();
        // a corrupt input: exit 1, database unchanged
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"GHSA-x\", \"modified\": ");
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("vulndb", "import", "--db", db.toString(), "--format", "osv",
                bad.toString())).isEqualTo(1);

        Path layout = layout();

        Path out = dir.resolve("trivy.json");
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("scan", "--db", db.toString(), "--format", "trivy", "-o",
                out.toString(), layout + ":1.0")).isZero();
        JsonNode trivy = new ObjectMapper().readTree(out.toFile());
        assertThat(trivy.path("Results").get(0).path("Vulnerabilities")).extracting(v -> v.path("VulnerabilityID")
                .asText()).containsExactlyInAnyOrder("CVE-2021-44228", "CVE-2021-45046");
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("scan", "--db", db.toString(), layout + ":nope")).isEqualTo(2);
    }

    /** An OCI layout of one image (log4j-core 2.14.1) tagged 1.0. */
    Path layout() throws IOException {
        Path layout = dir.resolve("layout");
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = new TestLayer().file("app/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar"))
                .gzip();
        String l = put(blobs, layer);
        String c = put(blobs, "{}".getBytes());
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + l + "\",\"size\":" + layer.length + "}]}";
        String m = put(blobs, manifest.getBytes());
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + m + "\",\"size\":"
                + manifest.length() + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
        return layout;
    }

    /** Issue #13: a scan against a missing or empty database printed "0 vulnerabilities" and exited 0. */
    @Test
    void withoutVulnerabilityDataAScanIsAnErrorAndInfoCreatesNothing() throws IOException {
        String image = layout() + ":1.0";
        Path missing = dir.resolve("missing.sqlite");
        Cli.run("scan", "--db", missing.toString(), image).assertOneLineError(3);
        assertThat(Cli.run("scan", "--db", missing.toString(), image).err()).contains("gatehouse vulndb import");
        Cli.Run info = Cli.run("vulndb", "info", "--db", missing.toString()).assertOneLineError(3);
        assertThat(info.err()).contains("no vulnerability database at " + missing);
        assertThat(missing).doesNotExist();

        // a database with no data in it (an import that failed made it): still no clean scan
        Path empty = dir.resolve("empty.sqlite");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\": ");
        assertThat(Cli.run("vulndb", "import", "--db", empty.toString(), "--format", "osv", bad.toString()).code())
                .isEqualTo(1);
        assertThat(empty).exists();
        Cli.Run scan = Cli.run("scan", "--db", empty.toString(), image).assertOneLineError(3);
        assertThat(scan.err()).contains("no vulnerability data").contains("gatehouse vulndb import");
        assertThat(scan.out()).isEmpty();
        assertThat(Cli.run("vulndb", "info", "--db", empty.toString()).out()).contains("advisories: 0");

        assertThat(Cli.run("vulndb", "import", "--db", empty.toString(), TestData.path("/vuln/ghsa").toString())
                .code()).isZero();
        assertThat(Cli.run("scan", "--db", empty.toString(), image).out()).contains("2 vulnerabilities");
        assertThat(Cli.run("scan", "--help").out()).contains("Exit codes:").contains("3   no vulnerability data");
    }

    /** Issue #13: stack traces for a missing layout or a tar file, and a password file quoted back by import. */
    @Test
    void errorsAreOneLineWithAnExitCodeAndNeverQuoteTheFile() throws IOException {
        Path db = dir.resolve("v.sqlite");
        assertThat(Cli.run("vulndb", "import", "--db", db.toString(), TestData.path("/vuln/ghsa").toString()).code())
                .isZero();
        Cli.run("scan", "--db", db.toString(), "/nonexistent:x").assertOneLineError(2);
        Path tar = Files.writeString(dir.resolve("image.tar"), "tar-content-s3cr3t");
        Cli.run("scan", "--db", db.toString(), tar.toString()).assertOneLineError(2, "tar-content-s3cr3t");
        Path notLayout = Files.createDirectories(dir.resolve("not-a-layout"));
        Files.writeString(notLayout.resolve("index.json"), "root-password-hunter2");
        Cli.run("scan", "--db", db.toString(), notLayout.toString()).assertOneLineError(2, "hunter2");

        Path passwords = Files.writeString(dir.resolve("passwords.txt"), "admin:hunter2-hunter2\n");
        for (String format : new String[]{null, "osv", "nvd", "debian-tracker", "alpine-secdb"}) {
            Cli.Run r = format == null
                    ? Cli.run("vulndb", "import", "--db", db.toString(), passwords.toString())
                    : Cli.run("vulndb", "import", "--db", db.toString(), "--format", format, passwords.toString());
            r.assertOneLineError(1, "hunter2");
            assertThat(r.err()).contains(passwords.toString());
        }
        Path json = Files.writeString(dir.resolve("secrets.json"), "{\"db_password\": \"hunter2-hunter2\"}");
        Cli.run("vulndb", "import", "--db", db.toString(), json.toString()).assertOneLineError(1, "hunter2", "db_password");
        Cli.run("vulndb", "import", "--db", db.toString(), dir.resolve("nope.json").toString()).assertOneLineError(1);
        Cli.run("vulndb", "import", "--db", db.toString(), "--format", "cobol", json.toString()).assertOneLineError(2);
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "storage:\n\tpassword: hunter2-hunter2\n");
        Cli.run("vulndb", "info", "-c", yaml.toString()).assertOneLineError(2, "hunter2");
        Cli.run("scan", "--no-such-option").assertOneLineError(2);
        assertThat(Cli.run("vulndb", "info", "--db", db.toString()).out()).contains("advisories: 6");
    }
}
