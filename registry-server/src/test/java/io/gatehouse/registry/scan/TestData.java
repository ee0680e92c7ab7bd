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

    private static VulnDb shared;

    /**
     * A database filled from every feed once per test JVM, for tests that only read it (filling costs seconds,
     * and several test classes need it). Tests that import more use {@link #copyOfShared}.
     */
    public static synchronized VulnDb sharedDatabase() throws IOException {
        if (shared == null) {
            Path dir = java.nio.file.Files.createTempDirectory("gatehouse-vulndb-test");
            // deleteOnExit cannot remove a folder that still holds the database and its WAL files: remove the tree
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temp folder left behind is harmless
                }
            }));
            shared = filledDatabase(dir);
        }
        return shared;
    }

    /** A private copy of {@link #sharedDatabase()} in {@code dir}, free to change. */
    public static VulnDb copyOfShared(Path dir) throws IOException {
        Path copy = dir.resolve("vulndb-copy.sqlite");
        sharedDatabase().copyTo(copy);
        return VulnDb.open(copy);
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
