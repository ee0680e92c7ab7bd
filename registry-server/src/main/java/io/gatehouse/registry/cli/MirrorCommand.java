package io.gatehouse.registry.cli;

import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.Mirror;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.copy.MirrorSpec;
import io.gatehouse.core.copy.ServerSideMirror;
import io.gatehouse.core.copy.TagFilter;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.reference.InvalidNameException;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code gatehouse mirror UPSTREAM TARGET}: keep the selected tags of an upstream repository in a target repository. */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Mirror the tags of an upstream repository that pass the filters into a target repository.",
                "Incremental: a tag whose upstream digest equals the target's costs one HEAD request (not a Docker Hub pull).",
                "Run it from cron or CI; with --dry-run it only lists what it would copy.",
                "Exit codes: 0 all good, 1 some tags failed, 2 bad command line, 75 stopped by the upstream's rate limit (the message says when it returns)."})
public final class MirrorCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "UPSTREAM", description = "upstream repository, e.g. alpine, docker.io/library/alpine, quay.io/org/app")
    String upstream;

    @Parameters(index = "1", paramLabel = "TARGET", description = "target repository, e.g. registry.example:5000/mirror/alpine")
    String target;

    @Option(names = "--tags", paramLabel = "REGEX", description = "only tags matching this regular expression (whole tag)")
    String regex;

    @Option(names = "--versions", paramLabel = "RANGE", description = "only version tags in this range, e.g. '>=3.18 <4' (tags with suffixes never match)")
    String range;

    @Option(names = "--newest", paramLabel = "N", description = "only the N highest versions (after the other filters)")
    Integer newest;

    @Option(names = "--platform", paramLabel = "LIST", description = "only these platforms, e.g. linux/amd64,linux/arm64 (default: all)")
    String platforms;

    @Option(names = "--dry-run", description = "only list what would be copied")
    boolean dryRun;

    @Option(names = "--tag-parallel", defaultValue = "4", description = "tags copied at once (default: ${DEFAULT-VALUE})")
    int tagParallel;

    @Option(names = "--report", paramLabel = "FILE", description = "write the report as JSON to FILE")
    Path report;

    // one string: picocli starts each array element on a new line without the description's indent
    @Option(names = "--server-side", description = "ask the target registry (Gatehouse) to run the mirror itself "
            + "(POST /api/v1/mirrors): image data flows from the upstream straight into it, not through this host. "
            + "The destination credentials need push on the target repository; the source credentials are passed on "
            + "in that request (over TLS) and the registry neither stores nor logs them.")
    boolean serverSide;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "21600",
            description = "with --server-side: how long to wait for the registry's report (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Mixin
    TransferOptions transfer = new TransferOptions();

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ImageReference up;
        ImageReference to;
        TagFilter filter;
        try {
            up = repository(upstream);
            to = repository(target);
            filter = TagFilter.of(regex, range, newest);
        } catch (IllegalArgumentException e) {
            err.println("gatehouse mirror: " + e.getMessage());
            return 2;
        }
        if (serverSide) return serverSide(up, to, filter, out, err);
        ProgressDisplay progress = transfer.progress(out);
        MirrorReport r;
        try {
            RegistryClient from = connection.source(up);
            RegistryClient into = connection.destination(to);
            CopyOptions options = transfer.copyOptions(platforms, progress);
            MirrorSpec spec = new MirrorSpec(up.repository(), to.repository(), filter, dryRun, tagParallel);
            r = new Mirror(from, into, options).run(spec);
        } catch (IllegalArgumentException e) {
            err.println("gatehouse mirror: " + e.getMessage());
            return 2;
        }
        progress.finish();
        return finish(r, out, err);
    }

    private int serverSide(ImageReference up, ImageReference to, TagFilter filter, PrintStream out, PrintStream err) {
        MirrorReport r;
        try {
            if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout must be at least 1 second");
            if (transfer.referrers) throw new IllegalArgumentException("--referrers does not apply to --server-side (the registry's mirror copies images only)");
            Credentials upstreamCreds = connection.sourceCredentials(up);
            RegistryClient registry = connection.destination(to);
            MirrorSpec spec = new MirrorSpec(up.repository(), to.repository(), filter, dryRun, tagParallel);
            r = new ServerSideMirror(registry).run(up.registry() + "/" + up.repository(), upstreamCreds, connection.sourcePlainHttp(), spec,
                    Platform.parseList(platforms), Duration.ofSeconds(timeoutSeconds));
        } catch (IllegalArgumentException e) {
            err.println("gatehouse mirror: " + e.getMessage());
            return 2;
        } catch (RegistryException e) {
            // the registry refused (no push on the target, no such route) or the run could not start (upstream unreachable)
            err.println("gatehouse mirror: " + e.getMessage() + (e.status() == 404 && e.errorCodes().isEmpty()
                    ? " (is " + to.registry() + " a Gatehouse registry? --server-side needs its /api/v1/mirrors)" : ""));
            return 1;
        }
        return finish(r, out, err);
    }

    private int finish(MirrorReport r, PrintStream out, PrintStream err) {
        out.println(r.summary());
        if (report != null) {
            try {
                Files.writeString(report, r.toJson());
            } catch (IOException e) {
                err.println("gatehouse mirror: cannot write report " + report + ": " + e.getMessage());
                return 1;
            }
        }
        if (r.stoppedReason() != null && r.stoppedReason().contains("429")) return CopyCommand.RATE_LIMITED;
        return r.ok() ? 0 : 1;
    }

    /** A repository reference: like an image reference but without tag or digest. */
    static ImageReference repository(String text) {
        String s = text.strip();
        int slash = s.lastIndexOf('/');
        if (s.indexOf('@') >= 0 || s.substring(slash + 1).contains(":")) {
            throw new InvalidNameException("'" + s + "' names an image; give the repository only (no :tag or @digest), and select tags with --tags/--versions/--newest");
        }
        return ImageReference.parse(s);
    }
}
