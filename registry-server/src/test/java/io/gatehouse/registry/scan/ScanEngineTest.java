package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.OsInfo;
import io.gatehouse.core.report.Package;
import io.gatehouse.core.report.Sbom;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.export.CycloneDxExporter;
import io.gatehouse.registry.scan.export.TrivyJsonExporter;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.match.Matcher;
import io.gatehouse.registry.scan.vulndb.OsvImporter;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static io.gatehouse.registry.scan.TestLayer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * End to end through the engine: images built from real inventories and real jars, matched against the real feeds,
 * asserting exact findings.
 */
class ScanEngineTest {
    @TempDir
    static Path dir;
    static VulnDb db;
    static ScanEngine engine;

    @BeforeAll
    static void fill() throws IOException {
        db = TestData.sharedDatabase();
        engine = new ScanEngine(db, ScanLimits.defaults(), Clock.systemUTC());
    }

    static ScanEngine.Result scan(byte[]... layers) throws IOException {
        List<ScanEngine.Layer> ls = new ArrayList<>();
        for (byte[] l : layers) {
            ls.add(new ScanEngine.Layer(TestLayer.sha256(l), () -> new ByteArrayInputStream(l)));
        }
        return engine.scan("sha256:" + "ab".repeat(32), "test/image", ls);
    }

    static List<Finding> of(ScanReport r, String pkg) {
        return r.findings().stream().filter(f -> f.packageName().equals(pkg)).toList();
    }

    @Test
    void debianHostMatchesThroughSourcePackages() throws IOException {
        byte[] base = new TestLayer()
                .file("var/lib/dpkg/status", TestLayer.gunzip(resource("/vuln/debian12/host-status.gz")))
                .file("usr/lib/os-release", resource("/vuln/debian12/os-release"))
                .symlink("etc/os-release", "../usr/lib/os-release").gzip();
        ScanReport r = scan(base).report();
        // The oracle: 243 (binary package, advisory) pairs where `dpkg --compare-versions <source version> lt
        // <fixed>` holds, over the 1,047 packages of host-status and the 458 records of changelog-osv.zip, computed
        // outside this project with dpkg 1.21.22. The tracker samples add nothing here (their fixes are older).
        assertThat(r.findings()).hasSize(243);
        assertThat(r.databaseVersion()).isEqualTo(db.version());
        assertThat(r.os().versionId()).isEqualTo("12");

        // vulnerable through its source package: libexpat1 is built from expat
        Finding expat = of(r, "libexpat1").stream().filter(f -> f.vulnerabilityId().equals("CVE-2023-52425"))
                .findFirst().orElseThrow();
        assertThat(expat.sourcePackage()).isEqualTo("expat");
        assertThat(expat.installedVersion()).isEqualTo("2.5.0-1+deb12u1");
        assertThat(expat.fixedVersion()).isEqualTo("2.5.0-1+deb12u2");
        assertThat(expat.aliases()).containsExactly("DEBCL-expat-CVE-2023-52425");
        assertThat(expat.dataSource()).isEqualTo("debian-changelog");
        assertThat(expat.layerDigest()).isEqualTo(TestLayer.sha256(base));
        assertThat(expat.purl()).startsWith("pkg:deb/debian/libexpat1@2.5.0-1%2Bdeb12u1?arch=amd64&distro=debian-12");
        // no vendor severity and no NVD record for it in the test data: UNKNOWN, and no invented source
        assertThat(expat.severity()).isEqualTo(Severity.UNKNOWN);
        assertThat(expat.severitySource()).isNull();

        // a binNMU (+b2) is compared at its source version
        assertThat(of(r, "libcap2")).extracting(Finding::vulnerabilityId, Finding::installedVersion,
                Finding::fixedVersion).containsExactly(tuple("CVE-2026-4878", "1:2.66-4+deb12u2+b2",
                "1:2.66-4+deb12u3"));

        // NOT reported, because the installed version already has the fix: glibc's CVE-2024-33601 (tracker: fixed
        // in 2.36-9+deb12u7; libc6 is 2.36-9+deb12u14) and vim's CVE-2023-5344 (fixed 2:9.0.1378-2+deb12u1,
        // installed 2:9.0.1378-2+deb12u2: the epoch must not confuse the comparison)
        assertThat(db.candidates("Debian:12", List.of("glibc")).get("glibc"))
                .extracting(c -> c.advisory().id()).contains("CVE-2024-33601");
        assertThat(of(r, "libc6")).isEmpty();
        assertThat(r.findings()).noneMatch(f -> f.vulnerabilityId().equals("CVE-2023-5344"));
        assertThat(r.summary().total()).isEqualTo(243);
        assertThat(r.summary().fixableTotal()).isEqualTo(243);
    }

    @Test
    void javaNpmAndPythonFindingsAreExact() throws IOException {
        byte[] war = TestLayer.zip(false, "WEB-INF/lib/commons-text-1.9.jar",
                TestLayer.testJar("commons-text-1.9.jar"));
        byte[] layer1 = new TestLayer()
                .file("opt/app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar"))
                .file("opt/app/webapps/ROOT.war", war).gzip();
        byte[] layer2 = new TestLayer()
                .file("srv/node_modules/minimist/package.json", resource("/scan/npm/minimist-1.2.5/package.json"))
                .file("usr/lib/python3/site-packages/cryptography-39.0.0.dist-info/METADATA",
                        "Metadata-Version: 2.1\nName: cryptography\nVersion: 39.0.0\n").zstd();
        ScanEngine.Result result = scan(layer1, layer2);
        ScanReport r = result.report();
        assertThat(r.findings()).extracting(Finding::vulnerabilityId, Finding::packageName, Finding::installedVersion,
                Finding::fixedVersion, Finding::severity, Finding::severitySource).containsExactlyInAnyOrder(
                tuple("CVE-2021-44228", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0", Severity.CRITICAL,
                        "ghsa"),
                tuple("CVE-2021-45046", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.16.0", Severity.CRITICAL,
                        "ghsa"),
                tuple("CVE-2022-42889", "org.apache.commons:commons-text", "1.9", "1.10.0", Severity.CRITICAL,
                        "ghsa"),
                tuple("CVE-2021-44906", "minimist", "1.2.5", "1.2.6", Severity.CRITICAL, "ghsa"),
                tuple("CVE-2023-23931", "cryptography", "39.0.0", "39.0.1", Severity.MEDIUM, "ghsa"));
        Finding log4shell = r.findings().stream().filter(f -> f.vulnerabilityId().equals("CVE-2021-44228"))
                .findFirst().orElseThrow();
        assertThat(log4shell.aliases()).containsExactly("GHSA-jfh8-c2jp-5v3q");
        assertThat(log4shell.location()).isEqualTo("opt/app/lib/log4j-core-2.14.1.jar");
        assertThat(log4shell.layerDigest()).isEqualTo(TestLayer.sha256(layer1));
        assertThat(log4shell.cvssScore()).isEqualTo(10.0);
        assertThat(log4shell.title()).isEqualTo("Remote code injection in Log4j");
        assertThat(r.findings()).filteredOn(f -> f.packageName().endsWith("commons-text"))
                .extracting(Finding::location).containsExactly("opt/app/webapps/ROOT.war!/WEB-INF/lib/commons-text-1.9.jar");
        assertThat(r.summary().count(Severity.CRITICAL)).isEqualTo(4);
        assertThat(r.findings().get(0).severity()).isEqualTo(Severity.CRITICAL); // worst first

        // CycloneDX SBOM of the same image
        JsonNode bom = CycloneDxExporter.toJson(result.sbom(), "test/image");
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("specVersion").asText()).isEqualTo("1.5");
        assertThat(bom.path("metadata").path("component").path("type").asText()).isEqualTo("container");
        List<String> purls = new ArrayList<>();
        bom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
        assertThat(purls).containsExactlyInAnyOrder("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "pkg:maven/org.apache.commons/commons-text@1.9", "pkg:npm/minimist@1.2.5",
                "pkg:pypi/cryptography@39.0.0");
    }

    @Test
    void trivyGoldenAlpineFindingsAreFoundAndOurExportHasTrivysShape() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(TestData.path("/vuln/reports/trivy-alpine-310.json").toFile());
        // The golden is Trivy on alpine 3.10.2; our secdb is v3.11 (the test data holds no 3.10 one), so the same
        // packages are matched as an alpine 3.11 image: every (CVE, package, version) Trivy reports must be found.
        List<Package> pkgs = new ArrayList<>();
        Set<String> want = new HashSet<>();
        for (JsonNode v : golden.path("Results").get(0).path("Vulnerabilities")) {
            String name = v.path("PkgName").asText();
            String version = v.path("InstalledVersion").asText();
            pkgs.add(new Package("apk", name, version, "openssl", version, "x86_64", "pkg:apk/alpine/" + name + "@"
                    + version, "sha256:layer", "lib/apk/db/installed"));
            want.add(v.path("VulnerabilityID").asText() + " " + name + " " + version);
        }
        Sbom sbom = new Sbom("sha256:img", new OsInfo("alpine", "3.11.6", null, null),
                pkgs.stream().distinct().toList(), "2026-11-29T00:00:00Z");
        List<Finding> ours = new Matcher(db).match(sbom);
        Set<String> got = new HashSet<>();
        ours.forEach(f -> got.add(f.vulnerabilityId() + " " + f.packageName() + " " + f.installedVersion()));
        assertThat(got).containsAll(want);
        assertThat(ours).filteredOn(f -> f.vulnerabilityId().equals("CVE-2019-1551"))
                .extracting(Finding::fixedVersion).containsOnly("1.1.1d-r3"); // v3.11's fix (3.10's was -r2)

        // Shape: every key we write is one Trivy writes (PkgPath is Trivy's for language packages).
        ScanReport report = ScanReport.of("sha256:img", "test/alpine", sbom.os(), db.version(),
                ScanEngine.SCANNER_VERSION, java.time.Instant.now(), java.time.Instant.now(), ours);
        JsonNode export = TrivyJsonExporter.toJson(report, "test/alpine:3.11");
        assertThat(keys(export)).isSubsetOf(keys(golden));
        assertThat(export.path("SchemaVersion").asInt()).isEqualTo(2);
        JsonNode result = export.path("Results").get(0);
        assertThat(result.path("Class").asText()).isEqualTo("os-pkgs");
        assertThat(result.path("Type").asText()).isEqualTo("alpine");
        Set<String> vulnKeys = new HashSet<>();
        golden.path("Results").get(0).path("Vulnerabilities").forEach(v -> vulnKeys.addAll(keys(v)));
        vulnKeys.add("PkgPath");
        vulnKeys.add("VendorIDs");
        for (JsonNode v : result.path("Vulnerabilities")) {
            assertThat(keys(v)).isSubsetOf(vulnKeys);
            assertThat(v.path("Status").asText()).isEqualTo("fixed");
        }
        // the debian golden shows the unfixed shape: Status "affected" and no FixedVersion
        JsonNode debianGolden = new ObjectMapper().readTree(
                TestData.path("/vuln/reports/trivy-debian-buster.json").toFile());
        JsonNode affected = debianGolden.path("Results").get(0).path("Vulnerabilities").get(0);
        assertThat(affected.path("Status").asText()).isEqualTo("affected");
        assertThat(affected.has("FixedVersion")).isFalse();
    }

    @Test
    void unfixedVulnerabilitiesAreReportedAsSuch() {
        // chromium's CVE-2022-0456 is "open" for buster in the tracker sample: affected, no fix
        Sbom sbom = new Sbom("sha256:img", new OsInfo("debian", "10", "buster", null), List.of(
                new Package("deb", "chromium", "90.0.4430.212-1~deb10u1", "chromium", "90.0.4430.212-1~deb10u1",
                        "amd64", "pkg:deb/debian/chromium@90.0.4430.212-1~deb10u1", "sha256:l", "var/lib/dpkg/status")),
                "2026-11-29T00:00:00Z");
        List<Finding> f = new Matcher(db).match(sbom);
        assertThat(f).extracting(Finding::vulnerabilityId, Finding::fixedVersion, Finding::fixable)
                .containsExactly(tuple("CVE-2022-0456", null, false));
        JsonNode trivy = TrivyJsonExporter.toJson(ScanReport.of("sha256:img", null, sbom.os(), db.version(),
                ScanEngine.SCANNER_VERSION, java.time.Instant.now(), java.time.Instant.now(), f), "x");
        JsonNode v = trivy.path("Results").get(0).path("Vulnerabilities").get(0);
        assertThat(v.path("Status").asText()).isEqualTo("affected");
        assertThat(v.has("FixedVersion")).isFalse();
    }

    @Test
    void severityFallsBackToNvdThenTheAdvisorysOwnCvss(@TempDir Path d) throws IOException {
        // Derived from the real GHSA-jfh8 record: without GitHub's severity the CVSS decides. Two copies: one
        // aliased to a CVE the NVD page scores (6.5 → MEDIUM from NVD), one whose CVE NVD does not have (its own
        // vector, 10.0 → CRITICAL).
        ObjectMapper json = new ObjectMapper();
        VulnDb fresh = VulnDb.open(d.resolve("db.sqlite"));
        fresh.importFrom(new io.gatehouse.registry.scan.vulndb.NvdImporter(),
                TestData.path("/vuln/nvd/single-entry.json"));
        Path osv = Files.createDirectory(d.resolve("osv"));
        for (String[] v : new String[][]{{"GHSA-test-nvd", "CVE-2022-1576"}, {"GHSA-test-own", "CVE-2021-44228"}}) {
            ObjectNode rec = (ObjectNode) json.readTree(TestData.path("/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json").toFile());
            rec.put("id", v[0]);
            rec.putArray("aliases").add(v[1]);
            ((ObjectNode) rec.path("database_specific")).remove("severity");
            Files.write(osv.resolve(v[0] + ".json"), json.writeValueAsBytes(rec));
        }
        fresh.importFrom(new OsvImporter(), osv);
        Sbom sbom = new Sbom("sha256:img", null, List.of(new Package("maven", "org.apache.logging.log4j:log4j-core",
                "2.14.1", null, null, null, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "sha256:l",
                "a.jar")), "2026-11-29T00:00:00Z");
        List<Finding> f = new Matcher(fresh).match(sbom);
        assertThat(f).extracting(Finding::vulnerabilityId, Finding::severity, Finding::severitySource,
                Finding::cvssScore).containsExactlyInAnyOrder(
                tuple("CVE-2022-1576", Severity.MEDIUM, "nvd-cvss-v3", 6.5),
                tuple("CVE-2021-44228", Severity.CRITICAL, "ghsa-cvss-v3", 10.0));
    }

    /** Debian trixie/sid's os-release as base-files ships it before the release: no VERSION_ID. */
    static final String SID_OS_RELEASE = """
            PRETTY_NAME="Debian GNU/Linux trixie/sid"
            NAME="Debian GNU/Linux"
            VERSION_CODENAME=trixie
            ID=debian
            HOME_URL="https://www.debian.org/"
            SUPPORT_URL="https://www.debian.org/support"
            BUG_REPORT_URL="https://bugs.debian.org/"
            """;

    @Test
    void aDpkgDatabaseWithoutOsReleaseIsInventoriedAndReportedAsNotJudged() throws IOException {
        byte[] layer = new TestLayer().file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status")).gzip();
        ScanEngine.Result result = scan(layer);
        assertThat(result.sbom().packages()).hasSize(88);
        assertThat(result.report().os()).isNull();
        assertThat(result.report().findings()).isEmpty();
        // zero findings, but not a clean bill: the report says why nothing was matched
        assertThat(result.report().complete()).isFalse();
        assertThat(result.report().warnings()).singleElement().asString()
                .startsWith("OS is not detected").contains("88 deb packages");
        JsonNode json = new ObjectMapper().valueToTree(result.report());
        assertThat(json.path("warnings").get(0).asText()).startsWith("OS is not detected");
    }

    @Test
    void debianTestingAndSidAreMatchedAgainstTheTrackersSidData() throws IOException {
        byte[] layer = new TestLayer()
                .file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status"))
                .file("usr/lib/os-release", SID_OS_RELEASE)
                .symlink("etc/os-release", "../usr/lib/os-release").gzip();
        ScanReport r = scan(layer).report();
        assertThat(r.os().id()).isEqualTo("debian");
        assertThat(r.os().versionId()).isNull();
        assertThat(r.warnings()).isEmpty();
        // the tracker sample: glibc CVE-2024-33601 is resolved in sid at 2.37-19; libc6 here is 2.36-9+deb12u14
        assertThat(of(r, "libc6")).extracting(Finding::vulnerabilityId, Finding::sourcePackage,
                Finding::fixedVersion, Finding::dataSource)
                .containsExactly(tuple("CVE-2024-33601", "glibc", "2.37-19", "debian-tracker"));
        JsonNode trivy = TrivyJsonExporter.toJson(r, "debian:sid");
        assertThat(trivy.path("Metadata").path("OS").path("Name").asText()).isEqualTo("trixie/sid");
        assertThat(trivy.path("Results").get(0).path("Target").asText()).isEqualTo("debian:sid (debian trixie/sid)");
    }

    @Test
    void osPackagesOfAnOsWithoutVulnerabilityDataAreReportedAsNotJudged() throws IOException {
        byte[] layer = new TestLayer()
                .file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status"))
                .file("etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n")
                .gzip();
        ScanReport r = scan(layer).report();
        assertThat(r.findings()).isEmpty();
        assertThat(r.warnings()).singleElement().asString()
                .contains("has no data for Ubuntu:22.04 (Ubuntu 22.04.4 LTS)").contains("88 deb packages");

        // an OS no feed covers at all
        byte[] mint = new TestLayer()
                .file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status"))
                .file("etc/os-release", "ID=linuxmint\nVERSION_ID=\"21.3\"\nPRETTY_NAME=\"Linux Mint 21.3\"\n")
                .gzip();
        assertThat(scan(mint).report().warnings()).singleElement().asString()
                .startsWith("no vulnerability data for the OS Linux Mint 21.3: 88 deb packages");
    }

    @Test
    void sourcePackageIsNamedAlsoWhenItIsTheBinarysName() throws IOException {
        byte[] layer = new TestLayer()
                .file("var/lib/dpkg/status", TestLayer.gunzip(resource("/vuln/debian12/host-status.gz")))
                .file("etc/os-release", resource("/vuln/debian12/os-release")).gzip();
        ScanReport r = scan(layer).report();
        assertThat(r.findings()).allSatisfy(f -> assertThat(f.sourcePackage()).as(f.packageName()).isNotNull());
        // expat's own binary package is not in host-status; pick one whose source has the same name
        assertThat(r.findings()).anySatisfy(f -> {
            assertThat(f.packageName()).isEqualTo(f.sourcePackage());
        });
    }

    @Test
    void trivyExportPlacesFindingsWithTheRealImagesConfig() throws IOException {
        // debian:10.1's config and layer as Trivy's own golden report records them (its Metadata.ImageConfig)
        JsonNode golden = new ObjectMapper().readTree(TestData.path("/vuln/reports/trivy-debian-buster.json").toFile());
        JsonNode config = golden.path("Metadata").path("ImageConfig");
        JsonNode goldenLayer = golden.path("Results").get(0).path("Vulnerabilities").get(0).path("Layer");
        String layerDigest = goldenLayer.path("Digest").asText();
        Sbom sbom = new Sbom("sha256:img", new OsInfo("debian", "10", "buster", null), List.of(
                new Package("deb", "chromium", "90.0.4430.212-1~deb10u1", null, null, "amd64",
                        "pkg:deb/debian/chromium@90.0.4430.212-1~deb10u1", layerDigest, "var/lib/dpkg/status")),
                "2026-11-29T00:00:00Z");
        List<Finding> f = new Matcher(db).match(sbom);
        ScanReport report = ScanReport.of("sha256:img", "library/debian", sbom.os(), db.version(),
                ScanEngine.SCANNER_VERSION, java.time.Instant.now(), java.time.Instant.now(), f);
        String configDigest = golden.path("Metadata").path("ImageID").asText();
        JsonNode export = TrivyJsonExporter.toJson(report, "debian:10",
                new TrivyJsonExporter.Image(configDigest, List.of(layerDigest), config));
        JsonNode meta = export.path("Metadata");
        assertThat(meta.path("ImageID").asText()).isEqualTo(configDigest);
        assertThat(meta.path("DiffIDs")).isEqualTo(golden.path("Metadata").path("DiffIDs"));
        assertThat(meta.path("ImageConfig")).isEqualTo(config);
        assertThat(keys(golden.path("Metadata"))).isSubsetOf(keys(meta)); // every Metadata key Trivy writes
        JsonNode v = export.path("Results").get(0).path("Vulnerabilities").get(0);
        assertThat(v.path("Layer")).isEqualTo(goldenLayer);
        // the package has no Source: field; the finding still names its source package (the same name)
        assertThat(f).extracting(Finding::sourcePackage).containsOnly("chromium");

        // a config naming fewer DiffIDs than the manifest has layers: no DiffID rather than a wrong one
        JsonNode partial = TrivyJsonExporter.toJson(report, "debian:10",
                new TrivyJsonExporter.Image(configDigest, List.of("sha256:" + "00".repeat(32), layerDigest), config));
        assertThat(partial.path("Results").get(0).path("Vulnerabilities").get(0).path("Layer").has("DiffID"))
                .isFalse();
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> s = new HashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }
}
