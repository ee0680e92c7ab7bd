package io.gatehouse.registry.cli;

import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.Mirror;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.copy.MirrorSpec;
import io.gatehouse.core.copy.TagFilter;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.reference.InvalidNameException;
import io.gatehouse.core.remote.RegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gatehouse mirror UPSTREAM TARGET}: keep the selected tags of an upstream repository in a target repository. */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Mirror the tags of an upstream repository that pass the filters into a target repository.",
                "Incremental: a tag whose upstream digest equals the target's costs one HEAD request (not a Docker Hub pull).",
                "Run it from cron or CI; with --dry-run it only lists what it would copy.",
                "Exit codes: 0 all good, 1 some tags failed, 75 stopped by the upstream's rate limit (the message says when it returns)."})
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
