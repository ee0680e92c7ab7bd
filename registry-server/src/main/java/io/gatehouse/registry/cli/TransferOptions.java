package io.gatehouse.registry.cli;

import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.model.Platform;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/**
 * How image data moves, the same for {@code copy} and {@code mirror}: referrers or not, blobs at once, progress line or
 * not. {@code --platform} stays in each command because its help text says what narrowing means there.
 */
final class TransferOptions {
    @Option(names = "--referrers", description = "also copy signatures, SBOMs and other referrers")
    boolean referrers;

    @Option(names = "--parallel", defaultValue = "4", description = "blob transfers at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = {"-q", "--quiet"}, description = "no progress display")
    boolean quiet;

    /** The progress line: drawn only on a terminal, and never with {@code --quiet}. */
    ProgressDisplay progress(PrintStream out) {
        return new ProgressDisplay(out, !quiet && ProgressDisplay.isTerminal());
    }

    /** Copy options from these flags; throws {@link IllegalArgumentException} for a bad platform list. */
    CopyOptions copyOptions(String platforms, ProgressDisplay progress) {
        if (parallel < 1) throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
        return CopyOptions.defaults().withPlatforms(Platform.parseList(platforms)).withReferrers(referrers)
                .withParallelism(parallel).withListener(progress);
    }
}
