package io.gatehouse.registry.metadata;

import io.gatehouse.registry.accounts.AccountException;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.Visibility;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.auth.AuthConfig;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.auth.LoginThrottle;
import io.gatehouse.registry.auth.TokenKeys;
import io.gatehouse.registry.mirror.MirrorRuns;
import io.gatehouse.registry.scan.service.ScanIndex;
import io.gatehouse.registry.trust.PolicyStore;
import io.gatehouse.registry.trust.RepositoryGates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link MetadataStore} (and every other store on the registry's database: accounts, grants, audit,
 * policies, gates, scan index, mirror runs, signing keys) must do, whatever the database. A subclass only opens a
 * fresh, migrated {@link Database}; the same assertions then hold for SQLite and PostgreSQL.
 */
abstract class MetadataStoreContract {
    static final String B1 = "sha256:" + "1".repeat(64);
    static final String B2 = "sha256:" + "2".repeat(64);
    static final String M1 = "sha256:" + "a".repeat(64);
    static final String M2 = "sha256:" + "b".repeat(64);
    static final String SIG = "sha256:" + "c".repeat(64);

    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    Database db;
    MetadataStore store;

    /** A fresh, migrated database. */
    abstract Database open();

    abstract Dialect dialect();

    @BeforeEach
    void openStore() {
        db = open();
        store = db.metadataStore(clock);
    }

    @AfterEach
    void closeStore() {
        if (db != null) db.close();
    }

    static MetadataStore.NewManifest manifest(String digest, List<String> blobs, List<String> children, String subject) {
        byte[] content = ("{\"m\":\"" + digest + "\",\"bytes\":\"\u00e9\u0000\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new MetadataStore.NewManifest(digest, "application/vnd.oci.image.manifest.v1+json", content,
                subject == null ? null : "application/vnd.example.sig", subject, null, blobs, children);
    }

    @Test
    void theDialectIsTheOneAsked() {
        assertThat(db.dialect()).isEqualTo(dialect());
    }

    @Test
    void blobsAreLinkedMountedAndUnlinked() {
        store.linkBlob("team/a", B1, 5_000_000_000L); // sizes beyond 32 bits
        assertThat(store.blobSize(B1)).hasValue(5_000_000_000L);
        assertThat(store.linkedBlobSize("team/a", B1)).hasValue(5_000_000_000L);
        assertThat(store.linkedBlobSize("team/b", B1)).isEmpty();
        assertThat(store.mountBlob("team/x", "team/b", B1)).isFalse();
        assertThat(store.mountBlob("team/a", "team/b", B1)).isTrue();
        assertThat(store.mountBlob(null, "team/c", B1)).isTrue();
        assertThat(store.linkedBlobSize("team/b", B1)).hasValue(5_000_000_000L);
        store.linkBlob("team/a", B1, 5_000_000_000L); // again: no error, still one blob
        assertThat(store.totalBlobBytes()).isEqualTo(5_000_000_000L);
        boolean[] journaled = {false};
        assertThat(store.unlinkBlob("team/b", B1, () -> journaled[0] = true)).isTrue();
        assertThat(journaled[0]).isTrue();
        assertThat(store.unlinkBlob("team/b", B1, () -> { throw new AssertionError("nothing to unlink"); })).isFalse();
        assertThat(store.blobRecorded(B1)).isTrue();
        assertThat(store.listRepositories(null, 10)).containsExactly("team/a", "team/c");
    }

    @Test
    void aManifestIsStoredOnlyWhenEverythingItReferencesIsThere() {
        store.linkBlob("team/a", B1, 10);
        assertThatThrownBy(() -> store.putManifest("team/a", manifest(M1, List.of(B1, B2), List.of(), null), List.of("1.0"), t -> { }))
                .isInstanceOf(MetadataStore.MissingReference.class).hasMessageContaining(B2);
        assertThat(store.manifest("team/a", M1)).isEmpty();
        store.linkBlob("team/a", B2, 20);
        assertThat(store.putManifest("team/a", manifest(M1, List.of(B1, B2), List.of(), null), List.of("1.0", "latest"), t -> { }))
                .containsExactly("1.0", "latest");
        MetadataStore.ManifestRow row = store.manifest("team/a", M1).orElseThrow();
        assertThat(row.content()).isEqualTo(manifest(M1, List.of(), List.of(), null).content()); // bytes exactly, NUL included
        assertThat(row.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(store.resolveTag("team/a", "latest")).hasValue(M1);
        // an index needs its children in the same repository
        assertThatThrownBy(() -> store.putManifest("team/a", manifest(M2, List.of(), List.of(SIG), null), List.of(), t -> { }))
                .isInstanceOf(MetadataStore.MissingReference.class);
        assertThat(store.putManifest("team/a", manifest(M2, List.of(), List.of(M1), null), List.of("latest"), t -> { }))
                .containsExactly("latest");
        // the same tag on the same manifest again is no change
        assertThat(store.putManifest("team/a", manifest(M2, List.of(), List.of(M1), null), List.of("latest"), t -> { })).isEmpty();
        assertThat(store.tagsOf("team/a", M2)).containsExactly("latest");
        assertThat(store.tagsOf("team/a", M1)).containsExactly("1.0");
    }

    @Test
    void aFailingJournalRollsTheChangeBack() {
        store.linkBlob("team/a", B1, 10);
        assertThatThrownBy(() -> store.putManifest("team/a", manifest(M1, List.of(B1), List.of(), null), List.of("1.0"),
                t -> { throw new IllegalStateException("audit refused"); })).hasMessage("audit refused");
        assertThat(store.manifest("team/a", M1)).isEmpty();
        assertThat(store.resolveTag("team/a", "1.0")).isEmpty();
    }

    @Test
    void tagsAndRepositoriesListInByteOrder() {
        store.linkBlob("team/a", B1, 10);
        store.putManifest("team/a", manifest(M1, List.of(B1), List.of(), null), List.of("b", "B", "a", "_x", "1.0", "Z-1", "a.b", "a-b"), t -> { });
        // byte order ("ASCIIbetical"), not a locale's: digits, capitals, underscore, small letters
        List<String> all = List.of("1.0", "B", "Z-1", "_x", "a", "a-b", "a.b", "b");
        assertThat(store.listTags("team/a", null, 100)).containsExactlyElementsOf(all);
        assertThat(store.listTags("team/a", "Z-1", 2)).containsExactly("_x", "a");
        for (String r : List.of("b/x", "B/x", "a/x", "a-b/x", "a_b/x")) store.linkBlob(r, B1, 10);
        assertThat(store.listRepositories(null, 100)).containsExactly("B/x", "a-b/x", "a/x", "a_b/x", "b/x", "team/a");
        assertThat(store.listRepositories("a/x", 2)).containsExactly("a_b/x", "b/x");
    }

    @Test
    void deletingAManifestTakesItsTagsAndReferrers() {
        store.linkBlob("team/a", B1, 10);
        store.putManifest("team/a", manifest(M1, List.of(B1), List.of(), null), List.of("1.0"), t -> { });
        store.putManifest("team/a", manifest(SIG, List.of(B1), List.of(), M1), List.of(), t -> { });
        assertThat(store.referrers("team/a", M1, null)).extracting(MetadataStore.ReferrerRow::digest).containsExactly(SIG);
        assertThat(store.referrers("team/a", M1, "application/vnd.example.sig")).hasSize(1);
        assertThat(store.referrers("team/a", M1, "other/type")).isEmpty();
        var deleted = store.deleteManifest("team/a", M1, true, d -> { }).orElseThrow();
        assertThat(deleted).extracting(MetadataStore.DeletedManifest::digest).containsExactly(M1, SIG);
        assertThat(deleted.get(0).tags()).containsExactly("1.0");
        assertThat(store.resolveTag("team/a", "1.0")).isEmpty();
        assertThat(store.deleteManifest("team/a", M1, true, d -> { })).isEmpty();
        assertThat(store.deleteTag("team/a", "1.0", () -> { })).isFalse();
    }

    @Test
    void orphanReferrersAreFoundAndDeleted() {
        store.linkBlob("team/a", B1, 10);
        store.putManifest("team/a", manifest(SIG, List.of(B1), List.of(), M1), List.of(), t -> { });
        long later = clock.millis() + 1;
        assertThat(store.orphanReferrers(later)).extracting(r -> r[1]).containsExactly(SIG);
        assertThat(store.deleteOrphanReferrer("team/a", SIG, d -> { })).isPresent();
        assertThat(store.manifest("team/a", SIG)).isEmpty();
    }

    @Test
    void uploadSessionsAreKept() {
        store.createUpload("u1", "team/a", "sha256", null);
        assertThat(store.updateUpload("u1", 0, 6_000_000_000L, "hash", "parts")).isTrue();
        assertThat(store.updateUpload("u1", 0, 7_000_000_000L, null, null)).as("no longer at offset 0").isFalse();
        var row = store.upload("u1").orElseThrow();
        assertThat(row.offset()).isEqualTo(6_000_000_000L);
        assertThat(row.hashState()).isEqualTo("hash");
        assertThat(row.storeState()).isEqualTo("parts");
        assertThat(row.repository()).isEqualTo("team/a");
        assertThat(store.allUploadIds()).containsExactly("u1");
        assertThat(store.uploadsIdleSince(clock.millis() + 1)).containsExactly("u1");
        assertThat(store.uploadsIdleSince(clock.millis())).isEmpty();
        assertThat(store.deleteUpload("u1")).isTrue();
        assertThat(store.deleteUpload("u1")).isFalse();
    }

    @Test
    void garbageCollectionTakesOnlyWhatNothingNeeds() {
        store.linkBlob("team/a", B1, 10);
        store.linkBlob("team/a", B2, 10);
        store.putManifest("team/a", manifest(M1, List.of(B1), List.of(), null), List.of(), t -> { });
        store.putManifest("team/a", manifest(M2, List.of(B1), List.of(M1), null), List.of("idx"), t -> { });
        long later = clock.millis() + 1;
        assertThat(store.unreferencedBlobs(later)).containsExactly(B2);
        assertThat(store.deleteBlobIfUnreferenced(B1, later)).isFalse();
        assertThat(store.deleteBlobIfUnreferenced(B2, clock.millis())).isFalse(); // still within its protection
        assertThat(store.deleteBlobIfUnreferenced(B2, later)).isTrue();
        assertThat(store.blobRecorded(B2)).isFalse();
        assertThat(store.untaggedManifests(later)).isEmpty(); // M1 is the tagged index's child
        store.deleteTag("team/a", "idx", () -> { });
        assertThat(store.untaggedManifests(later)).extracting(r -> r[1]).containsExactly(M2);
        assertThat(store.deleteManifestIfUntagged("team/a", M1, () -> { })).isFalse();
        assertThat(store.deleteManifestIfUntagged("team/a", M2, () -> { })).isTrue();
        assertThat(store.deleteManifestIfUntagged("team/a", M1, () -> { })).isTrue();
    }

    /**
     * GC deciding to delete a blob while a manifest that references it is being recorded: the delete waits for the
     * manifest's transaction and then sees the reference (one writer at a time on SQLite, row locks on PostgreSQL).
     */
    @Test
    void garbageCollectionWaitsForAManifestBeingRecorded() throws Exception {
        store.linkBlob("team/a", B1, 10);
        long later = clock.millis() + 1;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<String>> push = CompletableFuture.supplyAsync(() -> store.putManifest("team/a",
                manifest(M1, List.of(B1), List.of(), null), List.of("1.0"), t -> {
                    inside.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> gc = CompletableFuture.supplyAsync(() -> store.deleteBlobIfUnreferenced(B1, later));
        Thread.sleep(300);
        assertThat(gc).isNotDone();
        release.countDown();
        assertThat(push.get(60, TimeUnit.SECONDS)).containsExactly("1.0");
        assertThat(gc.get(60, TimeUnit.SECONDS)).isFalse();
        assertThat(store.blobRecorded(B1)).isTrue();
    }

    // ---- the other stores on the same database: their SQL must hold on both dialects too

    private AuthModule auth() {
        return AuthModule.create(db.jdbi(), TokenKeys.ephemeral(), AuthConfig.defaults(() -> "http://x/auth/token")
                        .withEnv(Map.of(AuthConfig.ADMIN_PASSWORD_ENV, AuthFixture.ADMIN_PASSWORD)::get),
                clock, AuthFixture.FAST_HASHER, LoginThrottle.defaults(clock), r -> true);
    }

    @Test
    void accountsAndGrantsUpsertAndRefuseDuplicates() {
        AuthModule auth = auth();
        var accounts = auth.accounts();
        var permissions = auth.permissions();
        accounts.createUser("erin", "password-123".toCharArray(), false);
        assertThatThrownBy(() -> accounts.createUser("erin", "password-456".toCharArray(), false))
                .isInstanceOf(AccountException.class).hasMessageContaining("already exists");
        assertThat(accounts.verifyPassword("erin", "password-123".toCharArray())).isPresent();
        String before = accounts.user("erin").orElseThrow().generation();
        accounts.setSystemAdmin("erin", true);
        assertThat(accounts.user("erin").orElseThrow().generation()).isEqualTo(before);
        accounts.setSystemAdmin("erin", false);
        assertThat(accounts.user("erin").orElseThrow().generation()).isNotEqualTo(before);
        accounts.setDisabled("erin", true);
        assertThat(accounts.verifyPassword("erin", "password-123".toCharArray())).isEmpty();
        accounts.setDisabled("erin", false);
        accounts.createOrg("team");
        accounts.createTeam("team", "devs");
        accounts.addMember("team", "devs", "erin");
        accounts.addMember("team", "devs", "erin"); // twice: no error
        accounts.addOwner("team", "erin");
        accounts.addOwner("team", "erin");
        assertThat(accounts.teamsOf("erin")).containsExactly("team/devs");
        permissions.grant(new Grant(Grant.TargetKind.REPO, "team/app", Grant.GranteeKind.PRINCIPAL, "erin", Role.READ));
        permissions.grant(new Grant(Grant.TargetKind.REPO, "team/app", Grant.GranteeKind.PRINCIPAL, "erin", Role.WRITE));
        permissions.grant(new Grant(Grant.TargetKind.ORG, "team", Grant.GranteeKind.TEAM, "team/devs", Role.READ));
        assertThat(permissions.grantsOn(Grant.TargetKind.REPO, "team/app")).singleElement()
                .extracting(Grant::role).isEqualTo(Role.WRITE);
        assertThat(permissions.strongestRole("erin", List.of("team/devs"), "team", "team/app")).hasValue(Role.WRITE);
        permissions.setVisibility("team/app", Visibility.PUBLIC);
        permissions.setVisibility("team/app", Visibility.RESTRICTED);
        assertThat(permissions.visibility("team/app")).isEqualTo(Visibility.RESTRICTED);
        permissions.addCurator("team/app", Grant.GranteeKind.TEAM, "team/devs");
        permissions.addCurator("team/app", Grant.GranteeKind.TEAM, "team/devs");
        assertThat(permissions.curators("team/app")).containsExactly("team:team/devs");
        assertThat(permissions.configuredRepositories()).containsExactly("team/app");
        // deleting the organization takes its teams' grants and curatorships (a prefix match: "team/", not "teamx/")
        accounts.createOrg("teamx");
        accounts.createTeam("teamx", "devs");
        permissions.grant(new Grant(Grant.TargetKind.REPO, "other/app", Grant.GranteeKind.TEAM, "teamx/devs", Role.READ));
        accounts.deleteOrg("team");
        assertThat(permissions.curators("team/app")).isEmpty();
        assertThat(permissions.grantsOn(Grant.TargetKind.REPO, "other/app")).hasSize(1);
        var sa = accounts.createServiceAccount("ci-bot", "builds", null, false, "erin");
        assertThat(accounts.verifyToken("ci-bot", sa.token())).isPresent();
        accounts.revokeServiceAccount("ci-bot");
        assertThat(accounts.verifyToken("ci-bot", sa.token())).isEmpty();
    }

    @Test
    void theAuditLogFiltersByPrefixCaseSensitively() {
        var log = auth().auditLog();
        log.record(new AuditEvent(0, clock.instant(), "erin", "user", "manifest.push", "team/app:1.0", "127.0.0.1", AuditEvent.Outcome.SUCCESS, ""));
        log.record(new AuditEvent(0, clock.instant(), "erin", "user", "manifest.delete", "Team/App", "127.0.0.1", AuditEvent.Outcome.SUCCESS, "x_%"));
        log.record(new AuditEvent(0, clock.instant(), "erin", "user", "login", "", "127.0.0.1", AuditEvent.Outcome.FAILURE, ""));
        assertThat(log.query(new AuditQuery(null, "manifest.*", null, null, null, 10, 0))).hasSize(2);
        assertThat(log.query(new AuditQuery(null, "Manifest.*", null, null, null, 10, 0))).isEmpty();
        assertThat(log.query(new AuditQuery("erin", null, "team/*", null, null, 10, 0))).singleElement()
                .extracting(AuditEvent::action).isEqualTo("manifest.push");
        var newestFirst = log.query(new AuditQuery(null, null, null, null, null, 10, 0));
        assertThat(newestFirst).extracting(AuditEvent::action).containsExactly("login", "manifest.delete", "manifest.push");
        assertThat(log.query(new AuditQuery(null, null, null, null, null, 10, newestFirst.get(0).id()))).hasSize(2);
    }

    @Test
    void policiesGatesScanIndexMirrorRunsAndKeysKeepTheirRows() {
        PolicyStore policies = new PolicyStore(db.jdbi(), clock);
        String doc = "{\"schemaVersion\": 1, \"name\": \"p\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}, "
                + "\"promotion\": {\"targetRepository\": \"prod/app\"}}";
        assertThat(policies.save(doc, "erin").version()).isEqualTo(1);
        assertThat(policies.save(doc, "erin").version()).isEqualTo(2);
        assertThat(policies.latest("p").orElseThrow().version()).isEqualTo(2);
        policies.attachAutoPromotion("team/app", "p", "erin");
        policies.attachAutoPromotion("team/app", "p", "erin");
        assertThat(policies.autoPromotions("team/app")).containsExactly("p");

        RepositoryGates gates = new RepositoryGates(db.jdbi(), clock);
        gates.set("team/app", new RepositoryGates.Settings(true, false, null), "erin");
        gates.set("team/app", new RepositoryGates.Settings(false, true, null), "erin");
        assertThat(gates.get("team/app")).isEqualTo(new RepositoryGates.Settings(false, true, null));

        ScanIndex scans = new ScanIndex(db.jdbi());
        assertThat(scans.scanOnPush("team/app")).isEmpty();
        scans.setScanOnPush("team/app", false);
        scans.setScanOnPush("team/app", true);
        assertThat(scans.scanOnPush("team/app")).hasValue(true);
        assertThat(scans.queue("team/app", M1, "erin", clock.millis())).isTrue();
        assertThat(scans.queue("team/app", M1, "erin", clock.millis())).isFalse();
        assertThat(scans.unfinishedJobs()).extracting(j -> j[1]).containsExactly(M1);

        MirrorRuns runs = new MirrorRuns(db.jdbi(), clock);
        long now = clock.millis();
        long first = runs.start("erin", "docker.io/library/alpine", "mirror/alpine", ">=3", true, "node-a", now + 1_000);
        long second = runs.start("erin", "docker.io/library/alpine", "mirror/alpine", ">=3", false, "node-a", now + 1_000);
        assertThat(second).isGreaterThan(first);
        runs.fail(first, "unreachable");
        assertThat(runs.get(first).orElseThrow().status()).isEqualTo("FAILED");
        assertThat(runs.get(first).orElseThrow().dryRun()).isTrue();
        assertThat(runs.list(10)).extracting(MirrorRuns.Run::id).containsExactly(second, first);
        // leases: renewed by the holder only; an ended one is marked interrupted by anyone, a live one is left alone
        assertThat(runs.renew(second, "node-b", now + 5_000)).isFalse();
        assertThat(runs.renew(first, "node-a", now + 5_000)).as("a finished run is not renewed").isFalse();
        assertThat(runs.renew(second, "node-a", now + 5_000)).isTrue();
        long third = runs.start("erin", "docker.io/library/alpine", "mirror/other", "*", false, "node-c", now + 1_000);
        assertThat(runs.interruptExpired(now + 2_000, "node-b")).isEqualTo(1);
        MirrorRuns.Run interrupted = runs.get(third).orElseThrow();
        assertThat(interrupted.status()).isEqualTo(MirrorRuns.INTERRUPTED);
        assertThat(interrupted.summary()).startsWith("replica stopped (node-c)").contains("node-b");
        assertThat(interrupted.finishedAt()).isEqualTo(java.time.Instant.ofEpochMilli(now + 2_000));
        assertThat(runs.get(second).orElseThrow().status()).isEqualTo("RUNNING");
        assertThat(runs.renew(third, "node-c", now + 9_000)).as("an interrupted run stays interrupted").isFalse();
        // under the target's lock, a RUNNING run into it is a stopped replica's, whatever its lease
        assertThat(runs.interruptRunningInto("mirror/alpine", "node-b")).isEqualTo(1);
        assertThat(runs.get(second).orElseThrow().status()).isEqualTo(MirrorRuns.INTERRUPTED);
        assertThat(runs.get(second).orElseThrow().summary()).startsWith("replica stopped (node-a)");
        assertThat(runs.get(first).orElseThrow().status()).isEqualTo("FAILED");

        String a = SigningKeys.loadOrCreate(db.jdbi(), "token", null, () -> "first", clock);
        String b = SigningKeys.loadOrCreate(db.jdbi(), "token", null, () -> "second", clock);
        assertThat(a).isEqualTo("first").isEqualTo(b);
    }
}
