package io.gatehouse.registry.scan.match;

import io.gatehouse.registry.scan.version.SemverComparator;
import io.gatehouse.registry.scan.version.VersionComparator;
import io.gatehouse.registry.scan.vulndb.Advisory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a version falls in an advisory's affected ranges, with OSV's evaluation rule: sort a range's
 * events by version, walk them up to the installed version; "introduced" switches affected on, "fixed" (at or
 * below the version) and "last_affected" (below it) switch it off. Explicit "versions" lists also count.
 */
public final class RangeEvaluator {
    private RangeEvaluator() {
    }

    /** Affected, and the first fix above the installed version (null: no fix known). */
    public record Verdict(boolean affected, String fixedVersion) {
        static final Verdict NOT_AFFECTED = new Verdict(false, null);
    }

    public static Verdict evaluate(String version, Advisory.AffectedPackage pkg, VersionComparator ecosystem) {
        boolean affected = false;
        String fix = null;
        for (Advisory.Range range : pkg.ranges()) {
            VersionComparator c = "SEMVER".equals(range.type()) ? SemverComparator.INSTANCE : ecosystem;
            if (inRange(version, range, c)) {
                affected = true;
                fix = lowest(fix, firstFixAbove(version, range, c), c);
            }
        }
        if (!affected && pkg.versions().contains(version)) {
            affected = true;
        }
        return affected ? new Verdict(true, fix) : Verdict.NOT_AFFECTED;
    }

    static boolean inRange(String version, Advisory.Range range, VersionComparator c) {
        List<Advisory.Event> events = sorted(range, c);
        boolean affected = false;
        for (Advisory.Event e : events) {
            switch (e.kind()) {
                case "introduced" -> {
                    if (VersionComparator.isZero(e.version()) || c.compare(version, e.version()) >= 0) {
                        affected = true;
                    }
                }
                case "fixed" -> {
                    if (c.compare(version, e.version()) >= 0) {
                        affected = false;
                    }
                }
                case "last_affected" -> {
                    if (c.compare(version, e.version()) > 0) {
                        affected = false;
                    }
                }
                default -> {
                    // "limit" bounds GIT ranges only
                }
            }
        }
        return affected;
    }

    private static List<Advisory.Event> sorted(Advisory.Range range, VersionComparator c) {
        List<Advisory.Event> events = new ArrayList<>(range.events());
        events.sort(Comparator.comparing(Advisory.Event::version, (a, b) -> {
            boolean za = VersionComparator.isZero(a);
            boolean zb = VersionComparator.isZero(b);
            if (za || zb) {
                return za == zb ? 0 : (za ? -1 : 1);
            }
            return c.compare(a, b);
        }));
        return events;
    }

    private static String firstFixAbove(String version, Advisory.Range range, VersionComparator c) {
        String best = null;
        for (Advisory.Event e : range.events()) {
            if (e.kind().equals("fixed") && c.compare(e.version(), version) > 0) {
                best = lowest(best, e.version(), c);
            }
        }
        return best;
    }

    private static String lowest(String a, String b, VersionComparator c) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return c.compare(a, b) <= 0 ? a : b;
    }
}
