package io.gatehouse.core.copy;

import io.gatehouse.core.reference.RepositoryName;

import java.util.Objects;

/**
 * One mirror job: take the tags of {@code source} (on the upstream registry) that pass {@code filter} and keep them
 * in {@code target} (on the target registry).
 *
 * @param dryRun         only plan: list what would be copied, write nothing
 * @param tagParallelism tags copied at the same time (blobs within a tag are parallel too)
 */
public record MirrorSpec(RepositoryName source, RepositoryName target, TagFilter filter, boolean dryRun, int tagParallelism) {
    public MirrorSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        filter = filter == null ? TagFilter.all() : filter;
        if (tagParallelism < 1) throw new IllegalArgumentException("tagParallelism must be at least 1");
    }

    public static MirrorSpec of(String source, String target, TagFilter filter) {
        return new MirrorSpec(RepositoryName.of(source), RepositoryName.of(target), filter, false, 2);
    }

    public MirrorSpec dryRun(boolean d) {
        return new MirrorSpec(source, target, filter, d, tagParallelism);
    }
}
