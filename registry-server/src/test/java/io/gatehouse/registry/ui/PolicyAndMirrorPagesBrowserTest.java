package io.gatehouse.registry.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.mirror.MirrorRuns;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Editing and creating policies, and starting and reading server-side mirror runs, in a real browser against a real
 * registry ({@link BrowserFixture}) with CNCF Distribution (htpasswd auth) as the upstream. Saving goes through the
 * API's {@code POST /policies} and starting through {@code POST /mirrors/{target}}: a refused document keeps what was
 * typed and saves nothing; a started run's page follows it to its result. Then what a user without the rights, a
 * form without its CSRF token and hostile names get. Screenshots under target/ui-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyAndMirrorPagesBrowserTest {
    static final String EVIL = "<script>alert('policy')</script>";
    static final String UPSTREAM_PASSWORD = "Up5tream-ui-s3cret";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    static Path dir;
    static BrowserFixture fx;
    static DistributionRegistry upstream;
    static long mirrorRun;

    @BeforeAll
    static void start() throws Exception {
        fx = BrowserFixture.start(dir);
        upstream = DistributionRegistry.startWithBasicAuth(dir.resolve("upstream"), "mirror", UPSTREAM_PASSWORD);
        RegistryClient up = RegistryClient.builder(upstream.hostPort()).credentials(Credentials.basic("mirror", UPSTREAM_PASSWORD)).build();
        for (String tag : new String[]{"1.0", "1.1", "2.0"}) {
            ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(20_000)).push(up, RepositoryName.of("library/app"), tag);
        }
        assertThat(fx.api("POST", "/policies", """
                {"schemaVersion": 1, "name": "release", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 1}}},
                 "promotion": {"targetRepository": "prod/app"}}""").status()).isEqualTo(201);
        assertThat(fx.api("POST", "/users", "{\"name\":\"dev\",\"password\":\"dev-password-1\"}").status()).isEqualTo(201);
        // a repository dev may read but not push to
        ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(1_000))
                .push(RegistryClient.builder(fx.server.registryHost()).plainHttp(true)
                        .credentials(Credentials.basic("admin", AuthFixture.ADMIN_PASSWORD)).build(), RepositoryName.of("team/app"), "1.0");
        assertThat(fx.api("PUT", "/repositories/team/app/visibility", "{\"visibility\":\"public\"}").status()).isEqualTo(200);
        fx.signIn("admin", AuthFixture.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
        if (upstream != null) upstream.close();
    }

    static void type(String id, String text) {
        WebElement e = fx.browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    static String value(String id) {
        return fx.browser.findElement(By.id(id)).getAttribute("value");
    }

    static JsonNode latest(String policy) {
        Http.Reply r = fx.api("GET", "/policies/" + policy, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    @Order(1)
    void anInvalidPolicyIsShownOnItsLinesKeptAsTypedAndNotSavedThenAValidOneIsANewVersion() throws Exception {
        fx.open("/policies?name=release");
        assertThat(value("policy-name")).isEqualTo("release");
        String invalid = """
                {
                  "schemaVersion": 1,
                  "name": "release",
                  "conditions": {
                    "vulnerabilities": {"maxCounts": {"critical": -1}}
                  },
                  "promotion": {"targetRepository": "prod/app"}
                }""";
        type("document", invalid);
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.text("#policy-not-saved")).contains("Not saved");
        assertThat(fx.text("#policy-errors")).contains("line 5", "condition vulnerabilities", "$.conditions.vulnerabilities.maxCounts.critical");
        assertThat(fx.browser.findElement(By.id("document")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(value("document").replace("\r\n", "\n")).isEqualTo(invalid);
        assertThat(latest("release").path("version").asInt()).isEqualTo(1);
        // the errors, not the versions above them, in the picture
        ((org.openqa.selenium.JavascriptExecutor) fx.browser).executeScript("document.getElementById('edit-heading').scrollIntoView()");
        fx.shot("30-policy-edit-invalid");

        // not JSON at all: the API's parser says where, the form says which line
        String broken = "{\n  \"schemaVersion\": 1,\n  \"name\": \"release\"\n  \"conditions\": {}\n}";
        type("document", broken);
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.text("#policy-errors")).contains("line 4", "not valid JSON");
        assertThat(value("document").replace("\r\n", "\n")).isEqualTo(broken);
        assertThat(latest("release").path("version").asInt()).isEqualTo(1);

        type("document", invalid.replace("-1", "2"));
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.browser.getCurrentUrl()).contains("name=release", "saved=2");
        assertThat(fx.text("#policy-saved")).contains("Saved version 2");
        assertThat(fx.browser.findElements(By.cssSelector("#versions section"))).hasSize(2);
        assertThat(fx.text("#versions")).contains("Version 1", "Version 2");
        JsonNode saved = latest("release");
        assertThat(saved.path("version").asInt()).isEqualTo(2);
        assertThat(saved.path("createdBy").asText()).isEqualTo("admin");
        assertThat(saved.path("document").path("conditions").path("vulnerabilities").path("maxCounts").path("critical").asInt()).isEqualTo(2);
        fx.shot("31-policy-saved-side-by-side");
    }

    @Test
    @Order(2)
    void aNewPolicyIsCreatedWithTheNameFromItsFieldAndAScriptNameShowsAsText() throws Exception {
        fx.open("/policies?name=release");
        fx.navigate(() -> fx.browser.findElement(By.id("new-policy")).click());
        assertThat(fx.text("#edit-heading")).isEqualTo("New policy");
        assertThat(value("policy-name")).isEmpty();
        assertThat(value("document")).contains("\"schemaVersion\": 1");
        fx.shot("32-policy-new");

        // a hostile name: refused by the API's schema, on the name field, kept and shown as text
        type("policy-name", EVIL);
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.text("#name-errors")).isNotBlank();
        assertThat(value("policy-name")).isEqualTo(EVIL);
        assertThat(fx.browser.findElements(By.cssSelector("main script"))).isEmpty();
        assertThat(fx.browser.getPageSource()).contains("&lt;script&gt;");
        assertThat(fx.api("GET", "/policies", null).body()).doesNotContain("script");
        fx.shot("33-policy-name-escaped");

        // the name field and a name in the document must agree
        type("policy-name", "canary");
        type("document", "{\"schemaVersion\": 1, \"name\": \"other\", \"conditions\": {\"tag\": {\"pattern\": \"v.*\"}}}");
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.text("#name-errors")).contains("\"other\"", "canary");
        assertThat(fx.api("GET", "/policies/canary", null).status()).isEqualTo(404);

        type("document", "{\"schemaVersion\": 1, \"conditions\": {\"tag\": {\"pattern\": \"v.*\"}}}");
        fx.navigate(() -> fx.browser.findElement(By.id("save-policy")).click());
        assertThat(fx.browser.getCurrentUrl()).contains("name=canary", "saved=1");
        assertThat(fx.browser.findElements(By.cssSelector("#versions section"))).hasSize(1);
        JsonNode canary = latest("canary");
        assertThat(canary.path("version").asInt()).isEqualTo(1);
        assertThat(canary.path("document").path("name").asText()).isEqualTo("canary");
        assertThat(canary.path("document").path("conditions").path("tag").path("pattern").asText()).isEqualTo("v.*");
    }

    @Test
    @Order(3)
    void aServerSideMirrorStartsFromTheFormAndItsPageFollowsItToTheCopiedTags() throws Exception {
        fx.open("/mirrors");
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror-link")).click());
        type("upstream", upstream.hostPort() + "/library/app");
        type("target", "mirror/app");
        type("tags", "1\\..*");
        type("username", "mirror");
        type("password", UPSTREAM_PASSWORD);
        fx.shot("34-mirror-start");
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror")).click());
        assertThat(fx.browser.getCurrentUrl()).matches(Pattern.quote(fx.base) + "/mirrors/\\d+");
        mirrorRun = Long.parseLong(fx.browser.getCurrentUrl().replaceAll(".*/", ""));
        assertThat(fx.text("#run-status")).containsAnyOf("RUNNING", "SUCCEEDED");
        assertThat(fx.browser.getPageSource()).doesNotContain(UPSTREAM_PASSWORD);

        // the page reloads itself (meta refresh) until the run has ended
        untilStatus("SUCCEEDED");
        assertThat(fx.text("#run-status")).contains("2 copied, 0 unchanged, 0 failed");
        assertThat(fx.text("#run-tags")).contains("1.0", "1.1", "copied", "new upstream tag").doesNotContain("2.0");
        assertThat(fx.text("#run-facts")).contains("admin", upstream.hostPort() + "/library/app", "mirror/app", "Duration");
        assertThat(fx.browser.findElements(By.cssSelector("meta[http-equiv='refresh']"))).isEmpty();
        assertThat(fx.browser.getPageSource()).doesNotContain(UPSTREAM_PASSWORD);
        fx.shot("35-mirror-run");

        // the same run through the API, and the copied tags in the registry; the password is nowhere
        Http.Reply run = fx.api("GET", "/mirrors/" + mirrorRun, null);
        assertThat(run.json().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.body()).doesNotContain(UPSTREAM_PASSWORD);
        assertThat(fx.api("GET", "/audit", null).body()).doesNotContain(UPSTREAM_PASSWORD);
        assertThat(fx.http.get("/v2/mirror/app/tags/list", io.gatehouse.registry.auth.SecuredRegistry.admin()).body()).contains("1.0", "1.1").doesNotContain("2.0");

        // the list links to the run
        fx.open("/mirrors");
        fx.navigate(() -> fx.browser.findElement(By.linkText(String.valueOf(mirrorRun))).click());
        assertThat(fx.text("h1")).isEqualTo("Mirror run " + mirrorRun);
        fx.open("/mirrors");
        fx.shot("36-mirror-runs");
    }

    @Test
    @Order(4)
    void aRunningRunReloadsAndAFailedOneSaysWhyWithoutThePassword() throws Exception {
        // a run as the API records it while it is under way
        MirrorRuns runs = new MirrorRuns(fx.server.jdbi(), fx.server.clock());
        // a lease far ahead, so that no replica takes it for a stopped one meanwhile
        long running = runs.start("admin", "registry.example/library/app", "mirror/slow", "all tags", false, "test-node",
                fx.server.clock().millis() + 3_600_000);
        fx.open("/mirrors/" + running);
        assertThat(fx.text("#run-status")).contains("RUNNING");
        assertThat(fx.text("#run-running")).contains("reloads");
        assertThat(fx.browser.findElements(By.cssSelector("meta[http-equiv='refresh']"))).hasSize(1);
        fx.shot("37-mirror-running");
        runs.fail(running, "ended by the test");

        String wrong = "Wr0ng-" + UPSTREAM_PASSWORD;
        fx.open("/mirrors/new");
        type("upstream", upstream.hostPort() + "/library/app");
        type("target", "mirror/app");
        type("username", "mirror");
        type("password", wrong);
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror")).click());
        untilStatus("FAILED");
        assertThat(fx.text("main").toLowerCase()).containsAnyOf("401", "unauthorized", "credentials", "auth");
        assertThat(fx.browser.getPageSource()).doesNotContain(wrong).doesNotContain(UPSTREAM_PASSWORD);
    }

    @Test
    @Order(5)
    void aScriptTargetShowsAsTextOnItsFieldAndBadFiltersAreTheApisErrors() throws Exception {
        fx.open("/mirrors/new");
        type("upstream", upstream.hostPort() + "/library/app");
        type("target", EVIL);
        type("password", UPSTREAM_PASSWORD);
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror")).click());
        assertThat(fx.text("#target-error")).contains("is not a repository name", EVIL);
        assertThat(value("target")).isEqualTo(EVIL);
        assertThat(value("password")).isEmpty(); // never sent back
        assertThat(fx.browser.getPageSource()).contains("&lt;script&gt;").doesNotContain(UPSTREAM_PASSWORD);
        assertThat(fx.browser.findElements(By.cssSelector("main script"))).isEmpty();
        fx.shot("38-mirror-target-escaped");

        type("target", "mirror/app");
        type("tags", "(");
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror")).click());
        assertThat(fx.text("#filter-error")).contains("bad tag filter");
        assertThat(value("tags")).isEqualTo("(");
    }

    @Test
    @Order(6)
    void aUserWithoutTheRightsSeesNoFormAndIsRefusedAsByTheApi() throws Exception {
        int runsBefore = fx.api("GET", "/mirrors", null).json().path("runs").size();
        fx.signOutIfSignedIn();
        fx.signIn("dev", "dev-password-1");
        fx.open("/policies?name=release");
        assertThat(fx.text("#versions")).contains("Version 2");
        assertThat(fx.browser.findElements(By.id("policy-form"))).isEmpty();
        assertThat(fx.browser.findElements(By.id("new-policy"))).isEmpty();
        String cookie = fx.sessionCookie();
        String csrf = csrf(fx.get("/policies", cookie).body());
        HttpResponse<String> refused = fx.post("/policies", cookie, "_csrf=" + csrf + "&name=release&document="
                + URLEncoder.encode("{\"schemaVersion\": 1, \"name\": \"release\", \"conditions\": {}}", StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Not allowed");
        assertThat(latest("release").path("version").asInt()).isEqualTo(2);

        fx.open("/mirrors");
        assertThat(fx.text("#error-heading")).isEqualTo("Not allowed");
        fx.open("/mirrors/" + mirrorRun);
        assertThat(fx.text("#error-heading")).isEqualTo("Not allowed");
        // the form is there for anyone signed in; the API decides on the target: dev may read team/app, not push
        fx.open("/mirrors/new");
        type("upstream", upstream.hostPort() + "/library/app");
        type("target", "team/app");
        fx.navigate(() -> fx.browser.findElement(By.id("start-mirror")).click());
        assertThat(fx.text("#error-heading")).isEqualTo("Not allowed");
        fx.shot("39-mirror-refused");
        assertThat(fx.api("GET", "/mirrors", null).json().path("runs").size()).isEqualTo(runsBefore);
    }

    @Test
    @Order(7)
    void formsWithoutTheCsrfTokenChangeNothing() throws Exception {
        fx.signOutIfSignedIn();
        fx.signIn("admin", AuthFixture.ADMIN_PASSWORD);
        String cookie = fx.sessionCookie();
        int runsBefore = fx.api("GET", "/mirrors", null).json().path("runs").size();
        HttpResponse<String> policy = fx.post("/policies", cookie, "name=release&document="
                + URLEncoder.encode("{\"schemaVersion\": 1, \"name\": \"release\", \"conditions\": {}}", StandardCharsets.UTF_8));
        assertThat(policy.statusCode()).isEqualTo(403);
        assertThat(policy.body()).contains("CSRF");
        HttpResponse<String> mirror = fx.post("/mirrors/new", cookie, "_csrf=forged&upstream="
                + URLEncoder.encode(upstream.hostPort() + "/library/app", StandardCharsets.UTF_8) + "&target=mirror/other");
        assertThat(mirror.statusCode()).isEqualTo(403);
        assertThat(latest("release").path("version").asInt()).isEqualTo(2);
        assertThat(fx.api("GET", "/mirrors", null).json().path("runs").size()).isEqualTo(runsBefore);
    }

    /** Waits while the run page reloads itself until its status says {@code status}. */
    static void untilStatus(String status) {
        new WebDriverWait(fx.browser, Duration.ofSeconds(90)).ignoring(WebDriverException.class)
                .until(d -> d.findElement(By.id("run-status")).getText().contains(status));
    }

    static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
