package io.gatehouse.registry.scan.version;

import io.gatehouse.testing.ExternalTools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Comparators against truth tables: vuln/versions/dpkg-pairs.txt (dpkg 1.21.22's own answers) and
 * vuln/versions/apk-version.data (from knqyf263/go-apk-version); see src/test/resources/vuln/README.md.
 */
class VersionComparatorsTest {

    static List<String> lines(String resource) throws IOException {
        try (InputStream in = VersionComparatorsTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static int expected(String op) {
        return switch (op) {
            case "<" -> -1;
            case "=" -> 0;
            case ">" -> 1;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @Test
    void dpkgAgreesWithEveryPairOfTheTruthTable() throws IOException {
        List<String> failures = new ArrayList<>();
        List<String> all = lines("/vuln/versions/dpkg-pairs.txt");
        for (String line : all) {
            String[] f = line.split("\t");
            int want = expected(f[1]);
            int got = Integer.signum(DpkgVersionComparator.INSTANCE.compare(f[0], f[2]));
            int back = Integer.signum(DpkgVersionComparator.INSTANCE.compare(f[2], f[0]));
            if (got != want || back != -want) {
                failures.add(line + " got " + got);
            }
        }
        assertThat(all).hasSize(300);
        assertThat(failures).isEmpty();
    }

    @Test
    void dpkgAgreesWithDpkgItself() throws Exception {
        ExternalTools.require("dpkg");
        // A sample: every 10th pair of the table plus the hand-written corner cases, asked of the real dpkg.
        List<String> all = lines("/vuln/versions/dpkg-pairs.txt");
        List<String[]> sample = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 10) {
            sample.add(all.get(i).split("\t"));
        }
        sample.add(new String[]{"1.0~~", "", "1.0~"});
        sample.add(new String[]{"2.36-9+deb12u3", "", "2.36-9+deb12u10"});
        sample.add(new String[]{"1:0.9", "", "2.0"});
        sample.add(new String[]{"1.0+b10", "", "1.0+b9"});
        for (String[] p : sample) {
            int ours = Integer.signum(DpkgVersionComparator.INSTANCE.compare(p[0], p[2]));
            String op = ours < 0 ? "lt" : ours == 0 ? "eq" : "gt";
            Process proc = new ProcessBuilder("dpkg", "--compare-versions", p[0], op, p[2]).inheritIO().start();
            assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).as("dpkg --compare-versions %s %s %s", p[0], op, p[2]).isZero();
        }
    }

    @Test
    void apkAgreesWithTheTruthTable() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : lines("/vuln/versions/apk-version.data")) {
            String body = line.replaceAll("#.*", "").trim();
            String[] f = body.split("\\s+");
            int want = expected(f[1]);
            int got = Integer.signum(ApkVersionComparator.INSTANCE.compare(f[0], f[2]));
            int back = Integer.signum(ApkVersionComparator.INSTANCE.compare(f[2], f[0]));
            checked++;
            if (got != want || back != -want) {
                failures.add(line + " got " + got);
            }
        }
        assertThat(checked).isEqualTo(729);
        assertThat(failures).isEmpty();
        assertThat(ApkVersionComparator.INSTANCE.isValid("1.0bc")).isFalse();
        assertThat(ApkVersionComparator.INSTANCE.isValid("3:1.0")).isFalse();
        assertThat(ApkVersionComparator.INSTANCE.isValid("1.2.3_alpha1-r0")).isTrue();
        assertThat(ApkVersionComparator.INSTANCE.compare("1.0_foo", "1.0_foo")).isZero();
    }

    @Test
    void maven() {
        var c = MavenVersionComparator.INSTANCE;
        assertOrder(c, "1-alpha-1", "1-alpha2", "1-beta-1", "1.0-milestone-1", "1-rc1", "1-SNAPSHOT", "1", "1-sp",
                "1-abc", "1.0.1", "1.1", "1.2.0-beta", "2.0.0-RC1", "2.0.0", "2.14.1", "2.15.0-rc1", "2.15.0",
                "2.16.0", "10.0");
        assertThat(c.compare("1", "1.0.0")).isZero();
        assertThat(c.compare("1.0-ga", "1")).isZero();
        assertThat(c.compare("1.0.0.Final", "1.0.0")).isZero();
        assertThat(c.compare("1-cr1", "1-rc1")).isZero();
        assertThat(c.compare("1.9", "1.10")).isNegative();
        assertThat(c.compare("1.10.0", "1.9")).isPositive();
    }

    /**
     * Maven's own rules disagree between "kind first" and "against the end of a version", so its order cycles on
     * these triples (found by VersionComparatorFuzzTest; the same inputs are seeds there). Here it must not.
     */
    @Test
    void mavenIsTransitive() {
        var c = MavenVersionComparator.INSTANCE;
        assertTransitive(c, "\u0000\uFFFD.", "", "0a1.1\uFFFD1");
        assertTransitive(c, "T", "final.0b1.\u0000\uFFFDtab+\uFFFD+15", "");
        assertTransitive(c, "1.x", "1-alpha", "1");
        assertTransitive(c, "5.0.0.Beta1", "5", "5-1");
        // the side of the end of a version decides: a Beta of 5 is before 5, a service pack after it
        assertOrder(c, "1-alpha", "1", "1.x");
        assertOrder(c, "5.0.0.Beta1", "5", "5-1");
    }

    private static void assertTransitive(VersionComparator c, String... versions) {
        for (String a : versions) {
            for (String b : versions) {
                assertThat(Integer.signum(c.compare(b, a))).as("antisymmetric %s %s", a, b).isEqualTo(-Integer.signum(c.compare(a, b)));
                for (String x : versions) {
                    if (c.compare(a, b) <= 0 && c.compare(b, x) <= 0) {
                        assertThat(c.compare(a, x)).as("'%s' <= '%s' <= '%s'", a, b, x).isLessThanOrEqualTo(0);
                    }
                }
            }
        }
    }

    @Test
    void semver() {
        var c = SemverComparator.INSTANCE;
        assertOrder(c, "0.0.1", "0.0.2", "0.1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.5", "1.2.6", "1.10.0");
        assertThat(c.compare("1.0.0+build.1", "1.0.0")).isZero();
        assertThat(c.compare("v1.2.3", "1.2.3")).isZero();
    }

    @Test
    void pep440() {
        var c = Pep440Comparator.INSTANCE;
        assertOrder(c, "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
                "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7",
                "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.1.dev1", "39.0.1", "1!0.1");
        assertThat(c.compare("1.0", "1.0.0")).isZero();
        assertThat(c.compare("1.0-1", "1.0.post1")).isZero();
        assertThat(c.compare("1.0alpha1", "1.0a1")).isZero();
        assertThat(c.compare("1.0c1", "1.0rc1")).isZero();
    }

    private static void assertOrder(VersionComparator c, String... ascending) {
        for (int i = 0; i < ascending.length; i++) {
            for (int j = 0; j < ascending.length; j++) {
                int want = Integer.compare(i, j);
                assertThat(Integer.signum(c.compare(ascending[i], ascending[j])))
                        .as("%s vs %s", ascending[i], ascending[j]).isEqualTo(want);
            }
        }
    }
}
