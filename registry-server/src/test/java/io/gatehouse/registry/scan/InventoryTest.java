package io.gatehouse.registry.scan;

import io.gatehouse.core.report.Package;
import io.gatehouse.core.report.Sbom;
import io.gatehouse.registry.scan.inventory.ImageInventory;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static io.gatehouse.registry.scan.TestLayer.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** Inventory from real package databases (src/test/resources/vuln, see its README) in layers built by the test. */
class InventoryTest {

    static Sbom inventory(byte[]... layers) throws IOException {
        ImageInventory inv = new ImageInventory(ScanLimits.defaults());
        for (byte[] l : layers) {
            try (InputStream in = new ByteArrayInputStream(l)) {
                inv.addLayer(TestLayer.sha256(l), in);
            }
        }
        return inv.finish("sha256:image");
    }

    static Package pkg(Sbom sbom, String type, String name) {
        return sbom.packages().stream().filter(p -> p.type().equals(type) && p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " package " + name + " in " + sbom.packages()));
    }

    @Test
    void debianStatusWithSourcePackagesAndOsRelease() throws IOException {
        byte[] layer = new TestLayer()
                .file("var/lib/dpkg/status", resource("/vuln/debian12/minbase-status"))
                .file("usr/lib/os-release", resource("/vuln/debian12/os-release"))
                .symlink("etc/os-release", "../usr/lib/os-release")
                .gzip();
        Sbom sbom = inventory(layer);
        assertThat(sbom.packages()).hasSize(88);
        assertThat(sbom.os().id()).isEqualTo("debian");
        assertThat(sbom.os().versionId()).isEqualTo("12");
        Package libc = pkg(sbom, "deb", "libc6");
        assertThat(libc.version()).isEqualTo("2.36-9+deb12u14");
        assertThat(libc.sourceName()).isEqualTo("glibc");
        assertThat(libc.sourceVersion()).isEqualTo("2.36-9+deb12u14");
        assertThat(libc.purl()).isEqualTo(
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12&upstream=glibc");
        assertThat(libc.layerDigest()).isEqualTo(TestLayer.sha256(layer));
        assertThat(pkg(sbom, "deb", "base-files").sourceName()).isEqualTo("base-files");
    }

    @Test
    void hostStatusKeepsBinNmuAndSourceVersionApart() throws IOException {
        byte[] status = TestLayer.gunzip(resource("/vuln/debian12/host-status.gz"));
        Sbom sbom = inventory(new TestLayer().file("var/lib/dpkg/status", status)
                .file("etc/os-release", resource("/vuln/debian12/os-release")).tar());
        assertThat(sbom.packages()).hasSize(1047);
        Package libcap = pkg(sbom, "deb", "libcap2");
        assertThat(libcap.version()).isEqualTo("1:2.66-4+deb12u2+b2");
        assertThat(libcap.sourceName()).isEqualTo("libcap2");
        assertThat(libcap.sourceVersion()).isEqualTo("1:2.66-4+deb12u2");
    }

    @Test
    void distrolessStatusD() throws IOException {
        TestLayer l = new TestLayer();
        for (String name : List.of("base-files", "libc6", "libgcc-s1", "tzdata", "zlib1g")) {
            l.file("var/lib/dpkg/status.d/" + name, resource("/vuln/distroless/status.d/" + name));
        }
        l.file("var/lib/dpkg/status.d/libc6.md5sums", "d41d8cd98f00b204e9800998ecf8427e  lib/x\n");
        Sbom sbom = inventory(l.zstd());
        assertThat(sbom.packages()).extracting(Package::name)
                .containsExactlyInAnyOrder("base-files", "libc6", "libgcc-s1", "tzdata", "zlib1g");
        assertThat(pkg(sbom, "deb", "libgcc-s1").sourceName()).isEqualTo("gcc-12");
        assertThat(pkg(sbom, "deb", "zlib1g").sourceName()).isEqualTo("zlib");
    }

    @Test
    void alpineInstalledDatabase() throws IOException {
        Sbom sbom = inventory(new TestLayer().file("lib/apk/db/installed", resource("/vuln/alpine/installed"))
                .file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.16.2\n").tar());
        assertThat(sbom.packages()).hasSize(14);
        Package crypto = pkg(sbom, "apk", "libcrypto1.1");
        assertThat(crypto.version()).isEqualTo("1.1.1q-r0");
        assertThat(crypto.sourceName()).isEqualTo("openssl");
        assertThat(pkg(sbom, "apk", "musl").purl()).isEqualTo("pkg:apk/alpine/musl@1.2.3-r0?arch=x86_64&distro=3.16.2");
    }

    @Test
    void javaArchivesIncludingNestedOnes() throws IOException {
        byte[] log4j = TestLayer.testJar("log4j-core-2.14.1.jar");
        byte[] text = TestLayer.testJar("commons-text-1.9.jar");
        byte[] war = TestLayer.zip(false, "WEB-INF/web.xml", "<web-app/>".getBytes(),
                "WEB-INF/lib/commons-text-1.9.jar", text);
        byte[] fatJar = TestLayer.zip(true, "BOOT-INF/lib/app.war", war, "BOOT-INF/lib/log4j-core-2.14.1.jar", log4j);
        Sbom sbom = inventory(new TestLayer().file("opt/app/lib/log4j-core-2.14.1.jar", log4j)
                .file("srv/app.jar", fatJar).gzip());
        assertThat(sbom.packages()).extracting(Package::name, Package::version, Package::location)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("org.apache.logging.log4j:log4j-core", "2.14.1",
                                "opt/app/lib/log4j-core-2.14.1.jar"),
                        org.assertj.core.groups.Tuple.tuple("org.apache.logging.log4j:log4j-core", "2.14.1",
                                "srv/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar"),
                        org.assertj.core.groups.Tuple.tuple("org.apache.commons:commons-text", "1.9",
                                "srv/app.jar!/BOOT-INF/lib/app.war!/WEB-INF/lib/commons-text-1.9.jar"));
        assertThat(pkg(sbom, "maven", "org.apache.commons:commons-text").purl())
                .isEqualTo("pkg:maven/org.apache.commons/commons-text@1.9");
    }

    @Test
    void npmAndPython() throws IOException {
        Sbom sbom = inventory(new TestLayer()
                .file("app/node_modules/minimist/package.json", resource("/scan/npm/minimist-1.2.5/package.json"))
                .file("usr/lib/python3/dist-packages/cryptography-39.0.0.dist-info/METADATA",
                        "Metadata-Version: 2.1\nName: cryptography\nVersion: 39.0.0\n\nDescription body: Name: x\n")
                .tar());
        assertThat(pkg(sbom, "npm", "minimist").purl()).isEqualTo("pkg:npm/minimist@1.2.5");
        assertThat(pkg(sbom, "pypi", "cryptography").version()).isEqualTo("39.0.0");
    }

    @Test
    void whiteoutsOpaqueDirectoriesAndReplacedFilesRemoveWhatLowerLayersFound() throws IOException {
        byte[] lower = new TestLayer()
                .file("var/lib/dpkg/status.d/tzdata", resource("/vuln/distroless/status.d/tzdata"))
                .file("var/lib/dpkg/status.d/zlib1g", resource("/vuln/distroless/status.d/zlib1g"))
                .file("var/lib/dpkg/status.d/libc6", resource("/vuln/distroless/status.d/libc6"))
                .file("opt/app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar"))
                .file("srv/node_modules/minimist/package.json", resource("/scan/npm/minimist-1.2.5/package.json"))
                .gzip();
        byte[] upper = new TestLayer()
                .whiteout("var/lib/dpkg/status.d/tzdata")          // apt-get purge tzdata
                .opaque("opt/app")                                  // directory replaced wholesale
                .file("var/lib/dpkg/status.d/zlib1g", "not a package any more\n") // file replaced
                .whiteout("srv/node_modules")                       // directory deleted
                .gzip();
        Sbom before = inventory(lower);
        assertThat(before.packages()).hasSize(5);
        Sbom after = inventory(lower, upper);
        assertThat(after.packages()).extracting(Package::name).containsExactly("libc6");
        assertThat(after.packages().get(0).layerDigest()).isEqualTo(TestLayer.sha256(lower));
    }

    @Test
    void aPackageReinstalledInAnUpperLayerIsAttributedToIt() throws IOException {
        byte[] lower = new TestLayer().file("var/lib/dpkg/status.d/libc6", resource("/vuln/distroless/status.d/libc6"))
                .tar();
        byte[] upper = new TestLayer().file("var/lib/dpkg/status.d/libc6", resource("/vuln/distroless/status.d/libc6"))
                .gzip();
        Sbom sbom = inventory(lower, upper);
        assertThat(sbom.packages()).hasSize(1);
        assertThat(sbom.packages().get(0).layerDigest()).isEqualTo(TestLayer.sha256(upper));
    }

    @Test
    void sameInventoryWhateverTheCompression() throws IOException {
        TestLayer a = new TestLayer().file("lib/apk/db/installed", resource("/vuln/alpine/installed"));
        TestLayer b = new TestLayer().file("lib/apk/db/installed", resource("/vuln/alpine/installed"));
        TestLayer c = new TestLayer().file("lib/apk/db/installed", resource("/vuln/alpine/installed"));
        Map<String, Integer> sizes = Map.of("tar", inventory(a.tar()).packages().size(),
                "gzip", inventory(b.gzip()).packages().size(), "zstd", inventory(c.zstd()).packages().size());
        assertThat(sizes.values()).containsOnly(14);
    }
}
