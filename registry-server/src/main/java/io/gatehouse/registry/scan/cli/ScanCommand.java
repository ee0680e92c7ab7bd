package io.gatehouse.registry.scan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.scan.ScanEngine;
import io.gatehouse.registry.scan.export.CycloneDxExporter;
import io.gatehouse.registry.scan.export.TrivyJsonExporter;
import io.gatehouse.registry.scan.inventory.ScanFailedException;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        JsonNode chosen = null;
        for (JsonNode m : index.path("manifests")) {
            String ref = m.path("annotations").path("org.opencontainers.image.ref.name").asText(null);
            if (tag == null || tag.equals(ref)) {
                chosen = m;
                break;
            }
        }
        if (chosen == null) {
            System.err.println("no manifest" + (tag == null ? "" : " tagged " + tag) + " in " + dir);
            return 2;
        }
        Path blobs = dir.resolve("blobs");
        String digest = chosen.path("digest").asText();
        JsonNode manifest = JSON.readTree(blob(blobs, digest).toFile());
        if (MediaTypes.isIndex(chosen.path("mediaType").asText()) || manifest.has("manifests")) {
            digest = manifest.path("manifests").get(0).path("digest").asText(); // first platform
            manifest = JSON.readTree(blob(blobs, digest).toFile());
        }
        List<ScanEngine.Layer> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            Path file = blob(blobs, l.path("digest").asText());
            layers.add(new ScanEngine.Layer(l.path("digest").asText(), () -> Files.newInputStream(file)));
        }
        ScanEngine engine = new ScanEngine(VulnDb.open(VulnDbCommand.database(db)), ScanLimits.defaults(),
                Clock.systemUTC());
        ScanEngine.Result result;
        long started = System.nanoTime();
        try {
            result = engine.scan(digest, layout, layers);
            if (timing) {
                System.err.printf("scan-seconds %.3f%n", (System.nanoTime() - started) / 1e9);
            }
        } catch (ScanFailedException e) {
            System.err.println("scan failed: " + e.getMessage());
            return 1;
        }
        byte[] out = switch (format) {
            case "report" -> JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result.report());
            case "trivy" -> TrivyJsonExporter.toBytes(result.report(), layout);
            case "cyclonedx" -> CycloneDxExporter.toBytes(result.sbom(), layout);
            default -> summary(result).getBytes();
        };
        if (output != null) {
            Files.write(output, out);
        } else {
            System.out.write(out);
            System.out.flush();
        }
        return 0;
    }

    private static String summary(ScanEngine.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d packages, %d vulnerabilities (%d fixable), database %s%n",
                r.report().imageDigest(), r.sbom().packages().size(), r.report().summary().total(),
                r.report().summary().fixableTotal(), r.report().databaseVersion()));
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity s = Severity.values()[i];
            sb.append(String.format("  %-8s %d%n", s, r.report().summary().count(s)));
        }
        return sb.toString();
    }

    private static Path blob(Path blobs, String digest) throws IOException {
        int c = digest.indexOf(':');
        Path p = blobs.resolve(digest.substring(0, c)).resolve(digest.substring(c + 1));
        if (!p.normalize().startsWith(blobs.normalize()) || !Files.isRegularFile(p)) {
            throw new IOException("blob " + digest + " is not in the layout");
        }
        return p;
    }
}
