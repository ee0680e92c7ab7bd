package io.gatehouse.registry.scan.inventory;

import io.gatehouse.core.report.OsInfo;
import io.gatehouse.core.report.Package;

import java.util.List;

/**
 * What one file of a layer told us: packages (with purls still to be completed once the OS is known) and/or the
 * operating system. Kept per path, so a later layer that deletes or replaces the file also removes what it told.
 */
public record Extracted(List<Package> packages, OsInfo os) {
    public Extracted {
        packages = List.copyOf(packages);
    }

    public static Extracted of(List<Package> packages) {
        return new Extracted(packages, null);
    }
}
