package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.vulndb.AlpineSecdbImporter;
import io.gatehouse.registry.scan.vulndb.Cvss3;
import io.gatehouse.registry.scan.vulndb.DebianTrackerImporter;
import io.gatehouse.registry.scan.vulndb.Importers;
import io.gatehouse.registry.scan.vulndb.NvdEntry;
import io.gatehouse.registry.scan.vulndb.NvdImporter;
import io.gatehouse.registry.scan.vulndb.OsvImporter;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import io.gatehouse.registry.scan.vulndb.VulnDbImportException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.gatehouse.registry.scan.TestData.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Importers and the store, on the real feeds of src/test/resources/vuln (see its README). */
class VulnDbTest {
    @TempDir
    static Path dir;
    static VulnDb db;

    @BeforeAll
    static void fill() throws IOException {
        db = TestData.sharedDatabase();
    }

    @Test
    void everyFeedLandsAndEachImportBumpsTheVersion() {
        assertThat(db.version()).matches("[0-9a-f]{8}-7");
        Map<String, Long> stats = db.stats();
        assertThat(stats.get("nvd")).isEqualTo(39L); // 38 on the full page + single-entry.json
        assertThat(stats.get("advisories")).isGreaterThan(458L + 6);
    }

    @Test
    void ghsaRangesAndVendorSeverity() {
        List<VulnDb.Candidate> log4j = db.candidates("Maven", List.of("org.apache.logging.log4j:log4j-core"))
                .get("org.apache.logging.log4j:log4j-core");
        assertThat(log4j).extracting(c -> c.advisory().id())
                .contains("GHSA-jfh8-c2jp-5v3q", "GHSA-7rjr-3q55-vv33");
        VulnDb.Candidate c = log4j.stream().filter(x -> x.advisory().id().equals("GHSA-jfh8-c2jp-5v3q")).findFirst()
                .orElseThrow();
        assertThat(c.advisory().aliases()).containsExactly("CVE-2021-44228");
        assertThat(c.advisory().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(c.advisory().severitySource()).isEqualTo("ghsa");
        assertThat(c.advisory().cvssScore()).isEqualTo(10.0);
        // PyPI names are PEP 503-normalised on the way in
        assertThat(db.candidates("PyPI", List.of("cryptography"))).containsKey("cryptography");
    }

    @Test
    void debianTrackerReleasesUrgenciesAndNotAffected() {
        var glibc = db.candidates("Debian:12", List.of("glibc")).get("glibc");
        assertThat(glibc).anySatisfy(c -> {
            assertThat(c.advisory().id()).isEqualTo("CVE-2024-33601");
            assertThat(c.advisory().source()).isEqualTo("debian-tracker");
            assertThat(c.affected().ranges().get(0).events()).extracting(e -> e.kind() + " " + e.version())
                    .containsExactly("introduced 0", "fixed 2.36-9+deb12u7");
            assertThat(c.affected().severity()).isNull(); // "not yet assigned"
        });
        // fixed_version "0": never affected, so no row at all
        assertThat(db.candidates("Debian:10", List.of("prototypejs")).get("prototypejs"))
                .extracting(c -> c.advisory().id()).containsExactly("CVE-2008-7220");
        var proto = db.candidates("Debian:10", List.of("prototypejs")).get("prototypejs").get(0);
        assertThat(proto.affected().severity()).isEqualTo(Severity.HIGH); // urgency "high**"
        assertThat(proto.affected().severitySource()).isEqualTo("debian");
        // "open": affected with no fix
        var chromium = db.candidates("Debian:10", List.of("chromium")).get("chromium").get(0);
        assertThat(chromium.affected().ranges().get(0).events()).extracting(e -> e.kind())
                .containsExactly("introduced");
    }

    @Test
    void alpineSecdbOddEntries() {
        var openssl = db.candidates("Alpine:v3.11", List.of("openssl")).get("openssl");
        assertThat(openssl).anySatisfy(c -> {
            assertThat(c.advisory().id()).isEqualTo("CVE-2019-1551");
            assertThat(c.affected().ranges().get(0).events().get(1).version()).isEqualTo("1.1.1d-r3");
        });
        // "CVE-2017-16808 (AoE)" → the CVE id; "CVE-????-?????" → nothing
        var tcpdump = db.candidates("Alpine:v3.11", List.of("tcpdump")).getOrDefault("tcpdump", List.of());
        assertThat(tcpdump).extracting(c -> c.advisory().id()).contains("CVE-2017-16808")
                .allMatch(id -> id.matches("CVE-\\d{4}-\\d{4,}"));
    }

    @Test
    void nvdScoresAndDescriptions() {
        NvdEntry e = db.nvd("CVE-2022-1576").orElseThrow();
        assertThat(e.v3Score()).isEqualTo(6.5);
        assertThat(e.v3Vector()).isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N");
        assertThat(e.description()).startsWith("The WP Maintenance Mode & Coming Soon WordPress plugin");
    }

    @Test
    void ourCvss3ScoresAgreeWithNvdOnEveryV3MetricOfThePage() throws IOException {
        JsonNode page = new ObjectMapper().readTree(path("/vuln/nvd/full-page.json").toFile());
        int checked = 0;
        for (JsonNode v : page.path("vulnerabilities")) {
            for (String key : List.of("cvssMetricV31", "cvssMetricV30")) {
                for (JsonNode m : v.path("cve").path("metrics").path(key)) {
                    JsonNode data = m.path("cvssData");
                    assertThat(Cvss3.baseScore(data.path("vectorString").asText()))
                            .as(data.path("vectorString").asText()).isEqualTo(data.path("baseScore").asDouble());
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void reimportingTheSameFeedChangesNothingButTheVersion(@TempDir Path d) throws IOException {
        VulnDb fresh = VulnDb.open(d.resolve("db.sqlite"));
        String empty = fresh.version();
        fresh.importFrom(new OsvImporter(), path("/vuln/ghsa"));
        Map<String, Long> once = fresh.stats();
        String v1 = fresh.version();
        fresh.importFrom(new OsvImporter(), path("/vuln/ghsa"));
        assertThat(fresh.stats()).isEqualTo(once);
        assertThat(List.of(empty, v1, fresh.version())).doesNotHaveDuplicates();
        assertThat(empty).endsWith("-0");
    }

    @Test
    void corruptImportsAreRejectedWholeAndLeaveTheDatabaseAsItWas(@TempDir Path d) throws IOException {
        VulnDb fresh = VulnDb.open(d.resolve("db.sqlite"));
        fresh.importFrom(new AlpineSecdbImporter(), path("/vuln/alpine/secdb-v3.11-main.yaml"));
        String version = fresh.version();
        Map<String, Long> stats = fresh.stats();

        // an all.zip whose last record is cut short: the good records before it must not land either
        Path zip = d.resolve("all.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String id : List.of("GHSA-jfh8-c2jp-5v3q", "GHSA-599f-7c49-w659")) {
                z.putNextEntry(new ZipEntry(id + ".json"));
                z.write(Files.readAllBytes(path("/vuln/ghsa/" + id + ".json")));
            }
            byte[] cut = Files.readAllBytes(path("/vuln/ghsa/GHSA-xvch-5gv4-984h.json"));
            z.putNextEntry(new ZipEntry("GHSA-xvch-5gv4-984h.json"));
            z.write(Arrays.copyOf(cut, cut.length / 2));
        }
        assertThatThrownBy(() -> fresh.importFrom(new OsvImporter(), zip))
                .isInstanceOf(VulnDbImportException.class).hasMessageContaining("GHSA-xvch-5gv4-984h.json");

        Path notZip = d.resolve("broken.zip");
        Files.write(notZip, Arrays.copyOf(Files.readAllBytes(path("/vuln/debian12/changelog-osv.zip")), 5000));
        assertThatThrownBy(() -> fresh.importFrom(new OsvImporter(), notZip))
                .isInstanceOf(VulnDbImportException.class);

        Path yaml = d.resolve("main.yaml");
        byte[] secdb = Files.readAllBytes(path("/vuln/alpine/secdb-v3.11-main.yaml"));
        Files.write(yaml, Arrays.copyOf(secdb, 3000));
        try (OutputStream o = Files.newOutputStream(yaml, java.nio.file.StandardOpenOption.APPEND)) {
            o.write("\n  - pkg: [unclosed\n".getBytes());
        }
        assertThatThrownBy(() -> fresh.importFrom(new AlpineSecdbImporter(), yaml))
                .isInstanceOf(VulnDbImportException.class);

        Path json = d.resolve("tracker.json");
        Files.writeString(json, "[1, 2, 3]");
        assertThatThrownBy(() -> fresh.importFrom(new DebianTrackerImporter(), json))
                .isInstanceOf(VulnDbImportException.class);
        assertThatThrownBy(() -> fresh.importFrom(new NvdImporter(), json))
                .isInstanceOf(VulnDbImportException.class);

        assertThat(fresh.version()).isEqualTo(version);
        assertThat(fresh.stats()).isEqualTo(stats);
        assertThat(fresh.candidates("Maven", List.of("org.apache.commons:commons-text"))).isEmpty();
    }

    @Test
    void formatDetection() throws IOException {
        assertThat(Importers.detect(path("/vuln/ghsa"))).isInstanceOf(OsvImporter.class);
        assertThat(Importers.detect(path("/vuln/debian12/changelog-osv.zip"))).isInstanceOf(OsvImporter.class);
        assertThat(Importers.detect(path("/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json"))).isInstanceOf(OsvImporter.class);
        assertThat(Importers.detect(path("/vuln/nvd/full-page.json"))).isInstanceOf(NvdImporter.class);
        assertThat(Importers.detect(path("/vuln/debian-tracker/sample.json")))
                .isInstanceOf(DebianTrackerImporter.class);
        assertThat(Importers.detect(path("/vuln/alpine/secdb-v3.11-main.yaml")))
                .isInstanceOf(AlpineSecdbImporter.class);
    }
}
