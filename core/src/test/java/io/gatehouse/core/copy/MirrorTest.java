package io.gatehouse.core.copy;

import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RetryPolicy;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.RegistryProxy;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mirroring from a Docker Hub look-alike (anonymous tokens, pull quota, ratelimit headers, 429 + Retry-After) in front
 * of CNCF Distribution, into another Distribution. Request counts at the look-alike prove what each run cost.
 */
class MirrorTest {
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static DistributionRegistry target;
    static RegistryClient seed;
    static RegistryClient down;
    static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5), 3);

    @BeforeAll
    static void start() throws Exception {
        upstream = DistributionRegistry.start(Files.createDirectories(dir.resolve("up")));
        target = DistributionRegistry.start(Files.createDirectories(dir.resolve("down")));
        seed = RegistryClient.builder(upstream.hostPort()).build();
        down = RegistryClient.builder(target.hostPort()).build();
    }

    @AfterAll
    static void stop() {
        if (upstream != null) upstream.close();
        if (target != null) target.close();
    }

    static RegistryClient hub(RegistryProxy p) {
        return RegistryClient.builder(p.hostPort()).retry(POLICY).build();
    }

    /** Tags of one repository sharing a base layer, each a two-platform index. */
    static void seedTags(String repo, String... tags) {
        ModelTestImages.Blob base = ModelTestImages.randomLayer(20_000);
        for (String t : tags) ModelTestImages.multiPlatform(List.of(base), 2_000, "linux/amd64", "linux/arm64").push(seed, RepositoryName.of(repo), t);
    }

    /** A registry runs users' mirrors itself: a filter that backtracks forever on one tag must not pin the thread. */
    @Test
    void aTagTheFilterCannotJudgeIsNotCopiedAndIsReported() {
        String aaa = "a".repeat(60);
        seedTags("library/redos", aaa, "1.0");
        MirrorReport r = new Mirror(seed, down, CopyOptions.defaults())
                .run(MirrorSpec.of("library/redos", "mirror/redos", TagFilter.of("(.*a){12}b|1\\.0", null, null)));
        assertThat(r.copied()).extracting(MirrorReport.TagResult::tag).containsExactly("1.0");
        assertThat(r.failed()).extracting(MirrorReport.TagResult::tag).containsExactly(aaa);
        assertThat(r.failed().get(0).reason()).contains("needs more than", "not copied");
        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).contains("FAILED " + aaa);
        assertThat(down.listTags(RepositoryName.of("mirror/redos"))).containsExactly("1.0");
    }

    @Test
    void secondRunCostsOnlyHeadsAndARepushedTagIsPickedUp() {
        seedTags("library/inc", "1.0", "1.1", "2.0", "latest");
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(1000, 1)) {
            Mirror mirror = new Mirror(hub(hubProxy), down, CopyOptions.defaults());
            MirrorSpec spec = MirrorSpec.of("library/inc", "mirror/inc", TagFilter.all());
            MirrorReport first = mirror.run(spec);
            assertThat(first.ok()).as(first.summary()).isTrue();
            assertThat(first.copied()).hasSize(4);
            assertThat(first.bytesMoved()).isPositive();
            assertThat(hubProxy.tokenRequests.get()).as("tokens are cached per scope").isLessThanOrEqualTo(3);

            hubProxy.resetCounters();
            MirrorReport second = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(second.skipped()).hasSize(4);
            assertThat(second.bytesMoved()).isZero();
            assertThat(hubProxy.manifestGets.get()).isZero();
            assertThat(hubProxy.blobGets.get()).isZero();
            assertThat(hubProxy.blobBytes.get()).isZero();
            assertThat(hubProxy.manifestHeads.get()).isEqualTo(4);
            // a fresh client sends the tag list and the known tags' HEADs at once: they share one token
            assertThat(hubProxy.tokenRequests.get()).as("token requests of a fresh client's rerun").isEqualTo(1);

            seedTags("library/inc", "1.1");
            hubProxy.resetCounters();
            MirrorReport third = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(third.copied()).extracting(MirrorReport.TagResult::tag).containsExactly("1.1");
            assertThat(third.copied().get(0).action()).isEqualTo(MirrorPlan.Action.CHANGED);
            assertThat(third.skipped()).hasSize(3);
            assertThat(down.headManifest(RepositoryName.of("mirror/inc"), "1.1").orElseThrow().digest())
                    .isEqualTo(seed.headManifest(RepositoryName.of("library/inc"), "1.1").orElseThrow().digest());
        }
    }

    @Test
    void tagsTheTargetAlreadyHasAreCheckedFirstButOnlySelectedTagsAreReported() {
        seedTags("library/ahead", "1.0", "1.1", "2.0");
        RepositoryName mirrored = RepositoryName.of("mirror/ahead");
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(1000, 1)) {
            MirrorSpec newest2 = new MirrorSpec(RepositoryName.of("library/ahead"), mirrored, TagFilter.of(null, null, 2), false, 2);
            assertThat(new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(newest2).copied())
                    .extracting(MirrorReport.TagResult::tag).containsExactly("1.1", "2.0");
            // the target also has a tag of its own, which the upstream never had
            ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(500)).push(down, mirrored, "local");
            seedTags("library/ahead", "3.0");

            // newest 2 is now 2.0 and 3.0: 1.1 (which the target has) is checked ahead of the tag list, then dropped
            hubProxy.resetCounters();
            MirrorReport r = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(newest2);
            assertThat(r.ok()).as(r.summary()).isTrue();
            assertThat(r.tags()).extracting(MirrorReport.TagResult::tag).containsExactly("2.0", "3.0");
            assertThat(r.copied()).extracting(MirrorReport.TagResult::tag).containsExactly("3.0");
            assertThat(hubProxy.manifestHeads.get()).as("one HEAD per selected tag, plus 1.1's").isEqualTo(3);
            assertThat(down.headManifest(mirrored, "1.1")).as("a mirror never deletes").isPresent();

            // all tags: "local" is looked up upstream ahead of the list (a 404 there), and is neither copied nor a failure
            MirrorReport all = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(MirrorSpec.of("library/ahead", "mirror/ahead", TagFilter.all()));
            assertThat(all.ok()).as(all.summary()).isTrue();
            assertThat(all.tags()).extracting(MirrorReport.TagResult::tag).containsExactly("1.0", "1.1", "2.0", "3.0");
            assertThat(all.copied()).extracting(MirrorReport.TagResult::tag).containsExactly("1.0");
            assertThat(down.headManifest(mirrored, "local")).isPresent();
        }
    }

    @Test
    void dryRunAndFiltersWriteNothing() {
        seedTags("library/filters", "3.17", "3.18", "3.19", "4.0", "edge");
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(1000, 1)) {
            MirrorSpec spec = new MirrorSpec(RepositoryName.of("library/filters"), RepositoryName.of("mirror/filters"),
                    TagFilter.of(null, ">=3.18 <4", 1), true, 2);
            MirrorReport r = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(r.planned()).extracting(MirrorReport.TagResult::tag).containsExactly("3.19");
            assertThat(r.dryRun()).isTrue();
            assertThat(hubProxy.manifestGets.get()).isZero();
            assertThat(down.headManifest(RepositoryName.of("mirror/filters"), "3.19")).isEmpty();
            assertThat(r.toJson()).contains("\"WOULD_COPY\"").contains("\"3.19\"");
        }
    }

    @Test
    void platformFilteredMirrorIsIncrementalToo() {
        seedTags("library/plat", "a", "b");
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(1000, 1)) {
            CopyOptions amd = CopyOptions.defaults().withPlatforms(List.of(Platform.parse("linux/amd64")));
            MirrorSpec spec = MirrorSpec.of("library/plat", "mirror/plat", TagFilter.all());
            assertThat(new Mirror(hub(hubProxy), down, amd).run(spec).copied()).hasSize(2);
            hubProxy.resetCounters();
            MirrorReport again = new Mirror(hub(hubProxy), down, amd).run(spec);
            assertThat(again.skipped()).hasSize(2);
            assertThat(hubProxy.manifestGets.get()).isZero();
            assertThat(hubProxy.blobBytes.get()).isZero();
        }
    }

    @Test
    void shortRetryAfterIsWaitedOutAndTheRunCompletes() {
        ModelTestImages.Blob base = ModelTestImages.randomLayer(5_000);
        for (String t : List.of("x1", "x2", "x3")) ModelTestImages.image("linux/amd64", base, ModelTestImages.randomLayer(500)).push(seed, RepositoryName.of("library/quota"), t);
        // three single-image tags need three manifest GETs; the quota holds two, then 429 + Retry-After: 1
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(2, 1)) {
            MirrorSpec spec = new MirrorSpec(RepositoryName.of("library/quota"), RepositoryName.of("mirror/quota"), TagFilter.all(), false, 1);
            MirrorReport r = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(r.ok()).as(r.summary()).isTrue();
            assertThat(r.copied()).hasSize(3);
            assertThat(hubProxy.tooManyRequests.get()).isPositive();
            assertThat(r.rateLimit()).contains("of 2 pulls left");
        }
    }

    @Test
    void longRetryAfterStopsWithWhenTheQuotaReturnsAndTheNextRunResumes() {
        ModelTestImages.Blob base = ModelTestImages.randomLayer(5_000);
        for (String t : List.of("y1", "y2", "y3")) ModelTestImages.image("linux/amd64", base, ModelTestImages.randomLayer(500)).push(seed, RepositoryName.of("library/spent"), t);
        try (RegistryProxy hubProxy = RegistryProxy.start(upstream.url()).dockerHub(1, 3600)) {
            MirrorSpec spec = new MirrorSpec(RepositoryName.of("library/spent"), RepositoryName.of("mirror/spent"), TagFilter.all(), false, 1);
            MirrorReport r = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(r.copied()).hasSize(1);
            assertThat(r.failed()).hasSize(2);
            assertThat(r.stoppedReason()).contains("429").contains("quota returns at").contains("in 1h");
            assertThat(r.summary()).contains("STOPPED");
            int getsBefore = hubProxy.manifestGets.get();
            assertThat(hubProxy.tooManyRequests.get()).as("stops at the first 429, does not hammer").isEqualTo(1);

            hubProxy.refillQuota(10);
            MirrorReport resumed = new Mirror(hub(hubProxy), down, CopyOptions.defaults()).run(spec);
            assertThat(resumed.ok()).as(resumed.summary()).isTrue();
            assertThat(resumed.copied()).hasSize(2);
            assertThat(resumed.skipped()).hasSize(1);
            assertThat(hubProxy.manifestGets.get() - getsBefore).isEqualTo(2);
        }
    }
}
