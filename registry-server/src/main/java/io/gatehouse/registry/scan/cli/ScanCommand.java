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
import io.gatehouse.registry.cli.CliErrors;
import io.gatehouse.registry.cli.SettingsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        description = "Scan an image in an OCI layout directory (what skopeo copy docker://IMAGE oci:DIR:TAG writes) "
                + "against the registry's vulnerability database.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:scanned (the report is printed or written)",
                "1:the scan failed (a layer cannot be read or exceeds the limits, the database cannot be read)",
                "2:bad command line or settings, or not an OCI image layout",
                "3:no vulnerability data: run gatehouse vulndb import first (a scan without data is never reported "
                        + "as clean)"})
public final class ScanCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int NO_DATA = 3;
    /** Formats that write one JSON document: one platform at a time. Anything else is the text summary. */
    private static final java.util.Set<String> DOCUMENTS = java.util.Set.of("report", "trivy", "cyclonedx");

    @Option(names = "--db", paramLabel = "FILE", description = VulnDbCommand.DB_HELP)
    Path db;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

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

    @Spec
    CommandSpec spec;

    /** A problem with what was asked for, said in one line and answered with an exit code. */
    private static final class Refused extends Exception {
        final int code;

        Refused(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<OciLayout.Image> images = images();
            if (images.size() > 1 && DOCUMENTS.contains(format)) {
                throw new Refused(BAD_INPUT, "the image index has " + images.size() + " platforms ("
                        + String.join(", ", images.stream().map(i -> String.valueOf(i.platform())).toList())
                        + "): choose one with --platform for --format " + format);
            }
            try (VulnDb vdb = database()) {
                ScanEngine engine = new ScanEngine(vdb, ScanLimits.defaults(), Clock.systemUTC());
                StringBuilder summaries = new StringBuilder();
                for (OciLayout.Image image : images) {
                    // said on standard error, so a JSON report on standard output stays one document
                    err.println("gatehouse scan: scanning " + image.describe());
                    err.flush();
                    long started = System.nanoTime();
                    ScanEngine.Result result;
                    try {
                        result = engine.scan(image.manifestDigest(), layout, image.layers());
                    } catch (ScanFailedException e) {
                        throw new Refused(vdb.hasData() ? FAILED : NO_DATA, "scan failed: " + e.getMessage());
                    }
                    if (timing) {
                        err.printf("scan-seconds %.3f%n", (System.nanoTime() - started) / 1e9);
                        err.flush();
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
                    write(summaries.toString().getBytes(StandardCharsets.UTF_8));
                }
                return 0;
            }
        } catch (Refused e) {
            err.println("gatehouse scan: " + e.getMessage());
            return e.code;
        }
    }

    /** The registry's database, read only; a missing or empty one ends the scan before any work. */
    private VulnDb database() throws Refused {
        Path file;
        try {
            file = VulnDbCommand.database(db, settings);
        } catch (IllegalArgumentException e) {
            throw new Refused(BAD_INPUT, e.getMessage());
        }
        String hint = " (import data first: gatehouse vulndb import [-c FILE | --db FILE] PATH...)";
        VulnDb vdb;
        try {
            vdb = VulnDb.openReadOnly(file);
        } catch (NoSuchFileException e) {
            throw new Refused(NO_DATA, "no vulnerability database at " + file + hint);
        } catch (IOException e) {
            throw new Refused(FAILED, CliErrors.describe(e));
        }
        if (!vdb.hasData()) {
            vdb.close();
            throw new Refused(NO_DATA, "no vulnerability data in " + file + hint);
        }
        return vdb;
    }

    private List<OciLayout.Image> images() throws Refused {
        String tag = null;
        Path dir = Path.of(layout);
        int colon = layout.lastIndexOf(':');
        if (!Files.exists(dir) && colon > 0) {
            tag = layout.substring(colon + 1);
            dir = Path.of(layout.substring(0, colon));
        }
        if (Files.isRegularFile(dir)) {
            throw new Refused(BAD_INPUT, dir + " is a file; scan reads an OCI image layout directory "
                    + "(skopeo copy docker-archive:IMAGE.tar oci:DIR:TAG makes one)");
        }
        if (!Files.isDirectory(dir)) {
            throw new Refused(BAD_INPUT, "no OCI image layout at " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw new Refused(BAD_INPUT, dir + " is not an OCI image layout (no index.json)");
        }
        try {
            return OciLayout.open(dir).images(tag, platform == null ? null : OciLayout.Platform.parse(platform));
        } catch (BlobDigestException | OciLayout.LayoutException e) {
            throw new Refused(BAD_INPUT, e.getMessage());
        } catch (IOException e) {
            throw new Refused(BAD_INPUT, dir + " is not a readable OCI image layout: " + CliErrors.describe(e));
        }
    }

    private void write(byte[] out) throws Refused {
        if (output != null) {
            try {
                Files.write(output, out);
            } catch (IOException e) {
                throw new Refused(FAILED, "cannot write " + output + ": " + CliErrors.describe(e));
            }
        } else {
            PrintWriter w = spec.commandLine().getOut();
            w.print(new String(out, StandardCharsets.UTF_8));
            w.flush();
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
