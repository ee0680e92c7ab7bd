package io.gatehouse.registry.scan.version;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every version comparator against versions no grammar foresaw. Input lines: the comparator (dpkg, apk, semver,
 * pep440, maven; anything else picks one by its first byte), then up to three versions a, b, c. Properties of a
 * total order, which the matcher relies on to place a version inside an advisory's ranges: reflexive,
 * antisymmetric (sign of compare(a,b) is minus that of compare(b,a)), transitive on the triple, consistent
 * equality; and no exception at all, as {@link VersionComparator} promises.
 */
class VersionComparatorFuzzTest {

    static final List<VersionComparator> ALL = List.of(DpkgVersionComparator.INSTANCE, ApkVersionComparator.INSTANCE,
            SemverComparator.INSTANCE, Pep440Comparator.INSTANCE, MavenVersionComparator.INSTANCE);

    static VersionComparator pick(String name, byte[] data) {
        return switch (name) {
            case "dpkg" -> DpkgVersionComparator.INSTANCE;
            case "apk" -> ApkVersionComparator.INSTANCE;
            case "semver" -> SemverComparator.INSTANCE;
            case "pep440" -> Pep440Comparator.INSTANCE;
            case "maven" -> MavenVersionComparator.INSTANCE;
            default -> ALL.get(data.length == 0 ? 0 : (data[0] & 0xff) % ALL.size());
        };
    }

    @FuzzTest(maxDuration = "20s")
    void totalOrder(byte[] data) {
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", 4);
        VersionComparator cmp = pick(lines[0], data);
        String a = lines.length > 1 ? lines[1] : "";
        String b = lines.length > 2 ? lines[2] : "";
        String c = lines.length > 3 ? lines[3] : "";
        String name = cmp.getClass().getSimpleName();

        cmp.isValid(a);
        assertThat(cmp.compare(a, a)).as("%s reflexive on '%s'", name, a).isZero();
        int ab = Integer.signum(cmp.compare(a, b));
        int bc = Integer.signum(cmp.compare(b, c));
        int ac = Integer.signum(cmp.compare(a, c));
        assertThat(Integer.signum(cmp.compare(b, a))).as("%s antisymmetric on '%s' '%s'", name, a, b).isEqualTo(-ab);
        if (ab <= 0 && bc <= 0) {
            assertThat(ac).as("%s transitive: '%s' <= '%s' <= '%s'", name, a, b, c).isLessThanOrEqualTo(0);
        }
        if (ab >= 0 && bc >= 0) {
            assertThat(ac).as("%s transitive: '%s' >= '%s' >= '%s'", name, a, b, c).isGreaterThanOrEqualTo(0);
        }
        if (ab == 0) {
            assertThat(ac).as("%s: '%s' == '%s' must compare alike with '%s'", name, a, b, c).isEqualTo(bc);
        }
    }
}
