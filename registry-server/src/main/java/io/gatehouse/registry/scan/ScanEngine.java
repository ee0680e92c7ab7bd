package io.gatehouse.registry.scan;

import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.Sbom;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.registry.scan.inventory.ImageInventory;
import io.gatehouse.registry.scan.inventory.ScanFailedException;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.layout.BlobDigestException;
import io.gatehouse.registry.scan.match.Matcher;
import io.gatehouse.registry.scan.vulndb.VulnDb;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The scanner, independent of the HTTP server: layers in, SBOM and report out. Layers are streamed one after the
 * other (each read once, never to disk), then the inventory is matched against the vulnerability database.
 */
public final class ScanEngine {
    public static final String SCANNER_VERSION = "gatehouse-scanner/0.1.0";
    /** The reason of a scan refused for want of data; starts every such status, so rescans can find them. */
    public static final String NO_DATA = "no vulnerability data: import some with `gatehouse vulndb import`";

    /** A layer by its digest (as in the manifest) and a way to open its blob. */
    public record Layer(String digest, LayerOpener opener) {
    }

    @FunctionalInterface
    public interface LayerOpener {
        InputStream open() throws IOException;
    }

    public record Result(Sbom sbom, ScanReport report) {
    }

    private final Supplier<VulnDb> db;
    private final ScanLimits limits;
    private final Clock clock;

    public ScanEngine(VulnDb db, ScanLimits limits, Clock clock) {
        this(() -> db, limits, clock);
    }

    /** @param db the database, opened when first asked for (the registry opens it after it starts answering) */
    public ScanEngine(Supplier<VulnDb> db, ScanLimits limits, Clock clock) {
        this.db = db;
        this.limits = limits;
        this.clock = clock;
    }

    public VulnDb database() {
        return db.get();
    }

    /**
     * @throws ScanFailedException with a user-facing reason when a layer is malformed or exceeds the limits, or a
     *                             blob cannot be read
     */
    public Result scan(String imageDigest, String repository, List<Layer> layers) throws ScanFailedException {
        Instant started = clock.instant();
        VulnDb db = database();
        String dbVersion = db.version(); // read first: the report names the data it was matched against
        if (!db.hasData()) {
            // a report of zero findings would read as "no vulnerabilities", which nothing was checked for
            throw new ScanFailedException(NO_DATA);
        }
        ImageInventory inventory = new ImageInventory(limits);
        for (Layer l : layers) {
            try (InputStream in = l.opener().open()) {
                inventory.addLayer(l.digest(), in);
            } catch (ScanFailedException e) {
                throw blame(e);
            } catch (BlobDigestException e) {
                throw new ScanFailedException(e.getMessage(), e);
            } catch (IOException e) {
                throw new ScanFailedException("layer " + l.digest() + " cannot be read: " + e.getMessage(), e);
            }
        }
        Sbom sbom = inventory.finish(imageDigest);
        List<Finding> findings;
        List<String> warnings;
        try {
            Matcher matcher = new Matcher(db);
            findings = matcher.match(sbom);
            warnings = matcher.warnings(sbom);
        } catch (RuntimeException e) {
            throw new ScanFailedException("the vulnerability database cannot be read: " + e.getMessage(), e);
        }
        ScanReport report = ScanReport.of(imageDigest, repository, sbom.os(), dbVersion, SCANNER_VERSION, started,
                clock.instant(), findings).withWarnings(warnings);
        return new Result(sbom, report);
    }

    /**
     * A layer that is not what its digest says may well fail to parse first; then the digest, checked when the
     * blob is closed, is the reason to give, not the parse error it caused.
     */
    private static ScanFailedException blame(ScanFailedException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof BlobDigestException b) {
                    return new ScanFailedException(b.getMessage(), b);
                }
            }
        }
        return e;
    }
}
