package io.gatehouse.registry.scan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.ScanEngine;
import io.gatehouse.registry.scan.export.CycloneDxExporter;
import io.gatehouse.registry.scan.export.TrivyJsonExporter;
import io.gatehouse.registry.scan.inventory.ScanFailedException;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.layout.BlobDigestException;
import io.gatehouse.registry.scan.layout.OciLayout;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse scan <oci-layout>[:tag]}: the registry's scanner on an OCI image layout on disk (what
 * {@code skopeo copy docker://… oci:dir:tag} writes), offline. Prints the report (ours, Trivy's shape) or the
 * CycloneDX SBOM.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan an image in an OCI layout directory against the local vulnerability database.")
public final class ScanCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Formats that write one JSON document: one platform at a time. Anything else is the text summary. */
    private static final java.util.Set<String> DOCUMENTS = java.util.Set.of("report", "trivy", "cyclonedx");

    @Option(names = "--db", paramLabel = "FILE", description = "database file (default: $GATEHOUSE_SCAN_VULNDB or "
            + "data/vulndb.sqlite)")
    Path db;

    @Option(names = "--format", defaultValue = "summary",
            description = "summary, report (Gatehouse JSON), trivy (Trivy JSON shape) or cyclonedx (SBOM)")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
    Path output;

    @Option(names = "--timing", description = "print the engine's own time to standard error (for bench/scan.sh)")
    boolean timing;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "of an image index, scan only this platform (default: every platform, one summary each)")
    String platform;

    @Parameters(paramLabel = "LAYOUT[:TAG]", description = "OCI image layout directory, optionally :tag")
    String layout;

    @Override
    public Integer call() throws Exception {
        String tag = null;
        Path dir = Path.of(layout);
        int colon = layout.lastIndexOf(':');
        if (!Files.isDirectory(dir) && colon > 0) {
            tag = layout.substring(colon + 1);
            dir = Path.of(layout.substring(0, colon));
        }
        List<OciLayout.Image> images;
        try {
            images = OciLayout.open(dir).images(tag, platform == null ? null : OciLayout.Platform.parse(platform));
        } catch (OciLayout.LayoutException | BlobDigestException e) {
            System.err.println("gatehouse scan: " + e.getMessage());
            return 2;
        }
        if (images.size() > 1 && DOCUMENTS.contains(format)) {
            System.err.println("gatehouse scan: the image index has " + images.size() + " platforms ("
                    + String.join(", ", images.stream().map(i -> String.valueOf(i.platform())).toList())
                    + "): choose one with --platform for --format " + format);
            return 2;
        }
        ScanEngine engine = new ScanEngine(VulnDb.open(VulnDbCommand.database(db)), ScanLimits.defaults(),
                Clock.systemUTC());
        StringBuilder summaries = new StringBuilder();
        for (OciLayout.Image image : images) {
            // said on standard error, so a JSON report on standard output stays one document
            System.err.println("gatehouse scan: scanning " + image.describe());
            ScanEngine.Result result;
            long started = System.nanoTime();
            try {
                result = engine.scan(image.manifestDigest(), layout, image.layers());
                if (timing) {
                    System.err.printf("scan-seconds %.3f%n", (System.nanoTime() - started) / 1e9);
                }
            } catch (ScanFailedException e) {
                System.err.println("scan failed: " + e.getMessage());
                return 1;
            }
            if (!DOCUMENTS.contains(format)) {
                summaries.append(summary(image, result));
                continue;
            }
            write(switch (format) {
                case "report" -> JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result.report());
                case "trivy" -> TrivyJsonExporter.toBytes(result.report(), layout, image.trivy());
                default -> CycloneDxExporter.toBytes(result.sbom(), layout);
            });
        }
        if (summaries.length() > 0) {
            write(summaries.toString().getBytes());
        }
        return 0;
    }

    private void write(byte[] out) throws IOException {
        if (output != null) {
            Files.write(output, out);
        } else {
            System.out.write(out);
            System.out.flush();
        }
    }

    private static String summary(OciLayout.Image image, ScanEngine.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s%s: %d packages, %d vulnerabilities (%d fixable), database %s%n",
                image.platform() != null ? image.platform() + " " : "",
                r.report().imageDigest(), r.sbom().packages().size(), r.report().summary().total(),
                r.report().summary().fixableTotal(), r.report().databaseVersion()));
        for (String w : r.report().warnings()) {
            sb.append("  WARNING: ").append(w).append(String.format("%n"));
        }
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity s = Severity.values()[i];
            sb.append(String.format("  %-8s %d%n", s, r.report().summary().count(s)));
        }
        return sb.toString();
    }
}
