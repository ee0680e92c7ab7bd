package io.gatehouse.registry.scan;

import io.gatehouse.registry.scan.vulndb.Importers;
import io.gatehouse.registry.scan.vulndb.VulnDb;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the real test data under src/test/resources/vuln (see its README) and a database filled from it. */
public final class TestData {
    private TestData() {
    }

    public static Path path(String resource) {
        try {
            return Path.of(TestData.class.getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every feed of the test data: GHSA, Debian changelog OSV, Debian tracker, Alpine secdb, NVD. */
    public static VulnDb filledDatabase(Path dir) throws IOException {
        VulnDb db = VulnDb.open(dir.resolve("vulndb.sqlite"));
        for (String feed : new String[]{"/vuln/ghsa", "/vuln/debian12/changelog-osv.zip",
                "/vuln/debian-tracker/sample.json", "/vuln/debian-tracker/sample-vunnel.json",
                "/vuln/alpine/secdb-v3.11-main.yaml", "/vuln/nvd/full-page.json", "/vuln/nvd/single-entry.json"}) {
            Path p = path(feed);
            db.importFrom(Importers.detect(p), p);
        }
        return db;
    }
}
