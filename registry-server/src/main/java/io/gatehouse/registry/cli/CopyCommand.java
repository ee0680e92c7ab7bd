package io.gatehouse.registry.cli;

import io.gatehouse.core.copy.CopyEngine;
import io.gatehouse.core.copy.CopyException;
import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.CopyResult;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.remote.RateLimitedException;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code gatehouse copy SRC DEST}: copy one image (all platforms, or some) between registries. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        // one element per paragraph: picocli wraps within an element, and `gatehouse --help` lists the first one
        description = {"Copy an image by tag or digest from one registry to another, or between repositories of one registry.",
                "Between repositories of one registry blobs are mounted, not moved. Multi-platform indexes are copied whole "
                        + "unless --platform narrows them; a narrowed index is a new index with its own digest.",
                "Exit codes: 0 copied, 1 failed, 2 bad command line, 75 stopped by the source's rate limit (try again later)."})
public final class CopyCommand implements Callable<Integer> {
    static final int RATE_LIMITED = 75;

    @Parameters(index = "0", paramLabel = "SRC", description = "source image, e.g. alpine:3.19 or host:5000/team/app@sha256:…")
    String source;

    @Parameters(index = "1", paramLabel = "DEST", description = "destination image, e.g. registry.example:5000/mirror/alpine:3.19")
    String destination;

    @Option(names = "--platform", paramLabel = "LIST", description = "only these platforms of an index, e.g. linux/amd64,linux/arm64 (default: all)")
    String platforms;

    @Option(names = "--chunk-size-mib", defaultValue = "16", description = "chunk size for blobs of 64 MiB and more (default: ${DEFAULT-VALUE})")
    int chunkMib;

    @Mixin
    TransferOptions transfer = new TransferOptions();

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ImageReference src;
        ImageReference dst;
        ProgressDisplay progress = transfer.progress(out);
        CopyOptions options;
        try {
            src = ImageReference.parse(source);
            dst = ImageReference.parse(destination);
            if (chunkMib < 1) throw new IllegalArgumentException("--chunk-size-mib must be at least 1");
            options = transfer.copyOptions(platforms, progress).withChunking(64L << 20, (long) chunkMib << 20);
        } catch (IllegalArgumentException e) {
            err.println("gatehouse copy: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        try {
            RegistryClient from = connection.source(src);
            RegistryClient to = connection.destination(dst);
            try (CopyEngine engine = new CopyEngine(from, to, options)) {
                CopyResult r = engine.copy(src, dst);
                progress.finish();
                out.printf("copied %s -> %s (%s)%s: %d blobs copied (%s), %d already there, %d mounted, %d manifests%s in %.1fs%n",
                        src, dst, r.targetDigest(), r.targetDigest().equals(r.sourceDigest()) ? "" : " [filtered from " + r.sourceDigest() + "]",
                        r.blobsCopied(), MirrorReport.humanBytes(r.bytesCopied()), r.blobsExisting(), r.blobsMounted(), r.manifests(),
                        r.referrers() > 0 ? ", " + r.referrers() + " referrers" : "", (System.nanoTime() - start) / 1e9);
                return 0;
            }
        } catch (RateLimitedException e) {
            progress.finish();
            err.println("gatehouse copy: " + e.getMessage());
            return RATE_LIMITED;
        } catch (CopyException | RegistryException | IllegalArgumentException e) {
            progress.finish();
            err.println("gatehouse copy: " + e.getMessage());
            return 1;
        }
    }
}
