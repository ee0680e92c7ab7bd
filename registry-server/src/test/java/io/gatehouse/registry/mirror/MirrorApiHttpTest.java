package io.gatehouse.registry.mirror;

import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side mirroring end to end over HTTP: CNCF Distribution with htpasswd auth as the upstream, our registry
 * with auth wired as Main does (auth + trust + mirrors), a service account calling {@code POST /api/v1/mirrors/…}
 * into a restricted repository it curates; incremental rerun, dry run, and a wrong upstream password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorApiHttpTest {
    static final String UPSTREAM_PASSWORD = "Up5tream-s3cret-pw";

    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static RegistryClient upstreamClient;
    static RegistryServer server;
    static AuthWiring wiring;
    static Http http;
    static String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() throws Exception {
        upstream = DistributionRegistry.startWithBasicAuth(dir.resolve("dist"), "mirror", UPSTREAM_PASSWORD);
        upstreamClient = RegistryClient.builder(upstream.hostPort()).credentials(Credentials.basic("mirror", UPSTREAM_PASSWORD)).build();
        ModelTestImages.Blob shared = ModelTestImages.randomLayer(200_000);
        for (String tag : new String[]{"1.0", "1.1", "1.2", "2.0"}) {
            ModelTestImages.image("linux/amd64", shared, ModelTestImages.randomLayer(5_000)).push(upstreamClient, RepositoryName.of("library/app"), tag);
        }

        RegistryConfig config = io.gatehouse.registry.TestDatabase.forTesting(Files.createDirectories(dir.resolve("ours")));
        MirrorRegistry ours = MirrorRegistry.start(config);
        wiring = ours.wiring();
        server = ours.server();
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (upstream != null) upstream.close();
    }

    private static Http.Reply api(String method, String path, String auth, String body) {
        return http.json(method, "/api/v1" + path, auth, body);
    }

    private static String body(String tags, String password, boolean dryRun) {
        return """
                {"upstream": "%s/library/app", "tags": "%s", "dryRun": %s,
                 "credentials": {"username": "mirror", "password": "%s"}}""".formatted(upstream.hostPort(), tags, dryRun, password);
    }

    @Test
    @Order(1) // counts the recorded runs
    void serviceAccountMirrorsIntoARestrictedRepositoryIncrementally() {
        Http.Reply sa = api("POST", "/service-accounts", admin, "{\"name\": \"jenkins\"}");
        assertThat(sa.status()).as(sa.body()).isEqualTo(201);
        String jenkins = Http.basic("jenkins", sa.json().path("token").asText());
        Http.Reply vis = api("PUT", "/repositories/mirror/app/visibility", admin, "{\"visibility\": \"restricted\"}");
        assertThat(vis.status()).as(vis.body()).isBetween(200, 204);
        Http.Reply cur = api("PUT", "/repositories/mirror/app/curators", admin, "{\"granteeKind\": \"principal\", \"grantee\": \"jenkins\"}");
        assertThat(cur.status()).as(cur.body()).isBetween(200, 204);
        Http.Reply perm = api("PUT", "/repositories/mirror/app/permissions", admin, "{\"granteeKind\": \"principal\", \"grantee\": \"jenkins\", \"role\": \"write\"}");
        assertThat(perm.status()).as(perm.body()).isBetween(200, 204);

        // anonymous and a caller without push on the target are refused before anything runs
        assertThat(api("POST", "/mirrors/mirror/app", null, body("1\\\\..*", UPSTREAM_PASSWORD, false)).status()).isEqualTo(401);
        assertThat(api("POST", "/mirrors/other/app", jenkins, body("1\\\\..*", UPSTREAM_PASSWORD, false)).status()).isIn(403, 404);

        // dry run: three tags would be copied, nothing is written
        Http.Reply dry = api("POST", "/mirrors/mirror/app", jenkins, body("1\\\\..*", UPSTREAM_PASSWORD, true));
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(dry.json().path("report").path("tags")).hasSize(3);
        assertThat(dry.json().path("report").path("tags").get(0).path("status").asText()).isEqualTo("WOULD_COPY");
        assertThat(http.get("/v2/mirror/app/tags/list", admin).status()).isEqualTo(404);

        // first run copies the three 1.x tags
        Http.Reply first = api("POST", "/mirrors/mirror/app", jenkins, body("1\\\\..*", UPSTREAM_PASSWORD, false));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("report").path("tags").findValuesAsText("status")).containsOnly("COPIED").hasSize(3);
        assertThat(first.json().path("report").path("bytesMoved").asLong()).isGreaterThan(200_000);
        Http.Reply tags = http.get("/v2/mirror/app/tags/list", admin);
        assertThat(tags.body()).contains("1.0", "1.1", "1.2").doesNotContain("2.0");
        // restricted: only curators see it
        Http.Reply other = api("POST", "/service-accounts", admin, "{\"name\": \"someone\"}");
        assertThat(http.get("/v2/mirror/app/tags/list", Http.basic("someone", other.json().path("token").asText())).status()).isIn(401, 403, 404);

        // rerun over unchanged tags: nothing moves
        Http.Reply rerun = api("POST", "/mirrors/mirror/app", jenkins, body("1\\\\..*", UPSTREAM_PASSWORD, false));
        assertThat(rerun.status()).as(rerun.body()).isEqualTo(200);
        assertThat(rerun.json().path("report").path("tags").findValuesAsText("status")).containsOnly("UNCHANGED").hasSize(3);
        assertThat(rerun.json().path("report").path("bytesMoved").asLong()).isZero();

        // a re-pushed tag is picked up, the others stay
        ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(4_000)).push(upstreamClient, RepositoryName.of("library/app"), "1.1");
        Http.Reply third = api("POST", "/mirrors/mirror/app", jenkins, body("1\\\\..*", UPSTREAM_PASSWORD, false));
        assertThat(third.status()).as(third.body()).isEqualTo(200);
        assertThat(third.json().path("report").path("tags").findValuesAsText("status")).containsExactlyInAnyOrder("UNCHANGED", "COPIED", "UNCHANGED");

        // a wrong upstream password: a clear error that does not echo it
        String wrong = "Wr0ng-" + UPSTREAM_PASSWORD;
        Http.Reply bad = api("POST", "/mirrors/mirror/app", jenkins, body("1\\\\..*", wrong, false));
        assertThat(bad.status()).as(bad.body()).isEqualTo(502);
        assertThat(bad.body()).contains("MIRROR_FAILED").doesNotContain(wrong).doesNotContain(UPSTREAM_PASSWORD);
        assertThat(bad.body().toLowerCase()).containsAnyOf("auth", "401", "credentials", "unauthorized");

        // bad input
        assertThat(api("POST", "/mirrors/mirror/app", jenkins, "{\"tags\": \"x\"}").status()).isEqualTo(400);
        assertThat(api("POST", "/mirrors/mirror/app", jenkins, "{\"upstream\": \"%s/library/app\", \"tags\": \"(\"}".formatted(upstream.hostPort())).status()).isEqualTo(400);

        // runs are recorded: who, what, result; never the password
        Http.Reply list = api("GET", "/mirrors", admin, null);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().path("runs")).hasSize(5);
        assertThat(list.body()).doesNotContain(UPSTREAM_PASSWORD);
        assertThat(list.json().path("runs").get(0).path("status").asText()).isEqualTo("FAILED");
        assertThat(list.json().path("runs").get(1).path("requestedBy").asText()).isEqualTo("jenkins");
        assertThat(list.json().path("runs").get(1).path("copied").asInt()).isEqualTo(1);
        long id = list.json().path("runs").get(1).path("id").asLong();
        Http.Reply one = api("GET", "/mirrors/" + id, admin, null);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().path("report").path("tags")).hasSize(3);
        assertThat(api("GET", "/mirrors", jenkins, null).status()).isEqualTo(403);
        assertThat(api("GET", "/mirrors/99999", admin, null).status()).isEqualTo(404);
    }

    /** {@code ?wait=false} (the web interface's start form): 202 with the run's id at once, the run going on in the registry. */
    @Test
    @Order(3) // after the runs that count
    void aRunAnsweredBeforeItEndsIsFollowedByItsId() {
        Http.Reply started = http.json("POST", "/api/v1/mirrors/later/app?wait=false", admin, body("1\\\\.0", UPSTREAM_PASSWORD, false));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        long id = started.json().path("id").asLong();
        assertThat(started.json().path("status").asText()).isEqualTo("RUNNING");
        assertThat(started.header("Location")).isEqualTo("/api/v1/mirrors/" + id);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> !"RUNNING".equals(api("GET", "/mirrors/" + id, admin, null).json().path("status").asText()));
        Http.Reply run = api("GET", "/mirrors/" + id, admin, null);
        assertThat(run.json().path("status").asText()).as(run.body()).isEqualTo("SUCCEEDED");
        assertThat(run.json().path("report").path("tags").findValuesAsText("status")).containsExactly("COPIED");
        assertThat(run.body()).doesNotContain(UPSTREAM_PASSWORD);
        // what is refused is refused before a run is recorded, as without ?wait
        assertThat(http.json("POST", "/api/v1/mirrors/later/app?wait=false", admin, "{\"tags\": \"x\"}").status()).isEqualTo(400);
        // an upstream that refuses: the run is recorded, and ends FAILED with the reason
        Http.Reply refused = http.json("POST", "/api/v1/mirrors/later/app?wait=false", admin, body(".*", "Wr0ng-" + UPSTREAM_PASSWORD, false));
        assertThat(refused.status()).as(refused.body()).isEqualTo(202);
        long failed = refused.json().path("id").asLong();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> "FAILED".equals(api("GET", "/mirrors/" + failed, admin, null).json().path("status").asText()));
        assertThat(api("GET", "/mirrors/" + failed, admin, null).body()).doesNotContain(UPSTREAM_PASSWORD);
    }

    /** {@code gatehouse mirror --server-side}: the CLI asks the registry to mirror, and prints the registry's report. */
    @Test
    @Order(2)
    void theCliRunsAMirrorServerSide() throws Exception {
        Path upPw = Files.writeString(dir.resolve("up.pw"), UPSTREAM_PASSWORD);
        Path adminPw = Files.writeString(dir.resolve("admin.pw"), io.gatehouse.registry.auth.AuthFixture.ADMIN_PASSWORD);
        Path wrongPw = Files.writeString(dir.resolve("wrong.pw"), "not-the-admin-password");
        Path report = dir.resolve("cli-report.json");
        String here = server.baseUrl().replaceFirst("^https?://", "");
        String[] common = {"--src-username", "mirror", "--src-password-file", upPw.toString(), "--authfile", dir.resolve("none.json").toString(),
                "--tags", "1\\.[01]", "-q"};

        Cli first = cli(common, "--server-side", upstream.hostPort() + "/library/app", here + "/cli/app",
                "--dest-username", "admin", "--dest-password-file", adminPw.toString(), "--report", report.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("2 copied, 0 unchanged, 0 failed");
        assertThat(Files.readString(report)).contains("\"COPIED\"").contains("\"1.0\"").contains("\"1.1\"");
        assertThat(http.get("/v2/cli/app/tags/list", admin).body()).contains("1.0", "1.1");

        // typed as localhost: the report names the target as typed, not the registry's own loopback address
        String typed = "localhost:" + server.port() + "/cli/app";
        Cli again = cli(common, "--server-side", upstream.hostPort() + "/library/app", typed,
                "--dest-username", "admin", "--dest-password-file", adminPw.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 copied, 2 unchanged").contains(" -> " + typed + " (");
        // recorded by the registry as the caller's runs
        Http.Reply runs = api("GET", "/mirrors?n=2", admin, null);
        assertThat(runs.json().path("runs").findValuesAsText("target")).containsOnly("cli/app");
        assertThat(runs.json().path("runs").findValuesAsText("requestedBy")).containsOnly("admin");

        // refused by the registry: exit 1 with its reason, no password anywhere
        Cli refused = cli(common, "--server-side", upstream.hostPort() + "/library/app", here + "/cli/app",
                "--dest-username", "admin", "--dest-password-file", wrongPw.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("401").doesNotContain("not-the-admin-password").doesNotContain(UPSTREAM_PASSWORD);
        // a target that is not a Gatehouse registry (Distribution has no /api/v1) says so
        Cli notOurs = cli(common, "--server-side", upstream.hostPort() + "/library/app", upstream.hostPort() + "/cli/app",
                "--dest-username", "mirror", "--dest-password-file", upPw.toString());
        assertThat(notOurs.code()).isEqualTo(1);
        assertThat(notOurs.err()).contains("404").contains("a Gatehouse registry?").doesNotContain(UPSTREAM_PASSWORD);
        // options that cannot apply server-side are usage errors
        assertThat(cli(common, "--server-side", "--no-src-tls-verify", upstream.hostPort() + "/library/app", here + "/cli/app").code()).isEqualTo(2);
        assertThat(cli(common, "--server-side", "--referrers", upstream.hostPort() + "/library/app", here + "/cli/app").code()).isEqualTo(2);
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String[] common, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("mirror"),
                java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(common))).toArray(String[]::new);
        int code;
        try {
            System.setOut(new java.io.PrintStream(out, true));
            System.setErr(new java.io.PrintStream(err, true));
            code = io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute(all);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Cli(code, out.toString(), err.toString());
    }

    @Test
    void everyMirrorRouteIsDocumented() throws Exception {
        String apiMd = Files.readString(Path.of("..", "docs", "api.md"));
        String openapi = Files.readString(Path.of("..", "docs", "openapi.yaml"));
        var routes = wiring.module().api().routes().stream().filter(r -> r.path().startsWith("/mirrors")).toList();
        assertThat(routes).hasSize(3);
        for (var r : routes) {
            assertThat(apiMd).as("docs/api.md documents %s %s", r.method(), r.path()).contains("`" + r.method() + " /api/v1" + r.path() + "`");
            // /mirrors/{repo*} (POST) and /mirrors/{id} (GET) are one templated path in OpenAPI
            String templated = "/api/v1" + r.path().replace("{repo*}", "{repo}").replace("{id}", "{repo}") + ":";
            assertThat(openapi).as("openapi.yaml has %s", r.path()).contains(templated);
            int at = openapi.indexOf(templated);
            int next = openapi.indexOf("\n  /", at + 1);
            assertThat(openapi.substring(at, next < 0 ? openapi.length() : next)).contains("    " + r.method().toLowerCase() + ":");
        }
    }

    @Test
    void requestToStringMasksThePassword() throws Exception {
        MirrorRequest r = MirrorRequest.parse(io.gatehouse.core.model.Json.MAPPER.readTree(body(".*", UPSTREAM_PASSWORD, false)));
        assertThat(r.toString()).doesNotContain(UPSTREAM_PASSWORD).contains("***");
    }
}
