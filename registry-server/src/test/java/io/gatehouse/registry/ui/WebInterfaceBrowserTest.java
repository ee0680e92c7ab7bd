package io.gatehouse.registry.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.scan.TestLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web interface in a real browser (Debian's chromium through chromium-driver, headless) against a real registry
 * wired as {@code gatehouse serve} wires it ({@link BrowserFixture}: auth, scanning, trust, mirrors, the web interface) holding real pushed,
 * scanned, signed and promoted images. One registry and one browser for the whole class; the methods run in order
 * (sign in, browse, read findings, promote, then the refused views of an unprivileged user).
 * Every page visited is saved as a PNG under target/ui-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebInterfaceBrowserTest {
    static final String EVIL = "<script>alert('annotation')</script>";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static RegistryServer server;
    static AuthWiring wiring;
    static String base;
    static Http http;
    static RegistryClient client;
    static WebDriver browser;
    static BrowserFixture fx;
    static Digest app;
    static Digest evil;
    static final String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() throws Exception {
        fx = BrowserFixture.start(dir);
        server = fx.server;
        wiring = fx.wiring;
        base = fx.base;
        http = fx.http;
        client = fx.client;
        browser = fx.browser;
        fixtures(dir.resolve("registry"));
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    /** Vulnerability data, a scanned log4j image, an image with hostile annotations, a restricted repository, a policy, a user. */
    static void fixtures(Path data) throws Exception {
        HttpResponse<byte[]> imported = client.send("POST", "/api/v1/vulndb/imports?format=osv",
                TestLayer.resource("/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json"), "Content-Type", "application/octet-stream", "Authorization", admin);
        assertThat(imported.statusCode()).as(new String(imported.body())).isEqualTo(201);
        app = push("team/app", "1.0", null, new TestLayer().file("app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar")).gzip());
        evil = push("team/app", "evil", EVIL, "plain layer".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 55; i++) {
            // a repository with more tags than a page holds
            putManifest("team/many", String.format("v%03d", i), manifestOf("team/many", null, ("many " + (i % 3)).getBytes(StandardCharsets.UTF_8)));
        }
        push("secret/hidden", "1.0", null, "secret layer".getBytes(StandardCharsets.UTF_8));
        assertThat(api("PUT", "/repositories/secret/hidden/visibility", "{\"visibility\":\"restricted\"}").status()).isEqualTo(200);
        assertThat(api("PUT", "/repositories/team/app/visibility", "{\"visibility\":\"public\"}").status()).isEqualTo(200);
        assertThat(api("POST", "/users", "{\"name\":\"dev\",\"password\":\"dev-password-1\"}").status()).isEqualTo(201);
        String registryPub = Files.readString(data.resolve("trust/signing.pub"));
        assertThat(api("POST", "/keys/global", "{\"name\":\"registry\",\"publicKey\":" + JSON.writeValueAsString(registryPub) + "}").status()).isEqualTo(201);
        assertThat(api("POST", "/policies", """
                {"schemaVersion": 1, "name": "release", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 1}}},
                 "promotion": {"targetRepository": "prod/app"}}""").status()).isEqualTo(201);
        assertThat(api("POST", "/policies", """
                {"schemaVersion": 1, "name": "strict", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                 "promotion": {"targetRepository": "prod/strict"}}""").status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            Http.Reply s = http.get("/api/v1/repositories/team/app/scans/" + app, admin);
            return s.status() == 200 && "done".equals(s.json().path("state").asText());
        });
    }

    static Http.Reply api(String method, String path, String body) {
        return http.json(method, "/api/v1" + path, admin, body);
    }

    static byte[] manifestOf(String repo, String annotation, byte[] layer) throws Exception {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux").putObject("rootfs").put("type", "layers");
        if (annotation != null) config.putObject("config").putObject("Labels").put("org.example.note", annotation);
        byte[] c = JSON.writeValueAsBytes(config);
        Digest cd = SecuredRegistry.pushBlob(client, repo, c, admin);
        Digest ld = SecuredRegistry.pushBlob(client, repo, layer, admin);
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        m.putObject("config").put("mediaType", MediaTypes.OCI_CONFIG).put("digest", cd.toString()).put("size", c.length);
        m.putArray("layers").addObject().put("mediaType", MediaTypes.OCI_LAYER_GZIP).put("digest", ld.toString()).put("size", layer.length);
        if (annotation != null) m.putObject("annotations").put("org.opencontainers.image.description", annotation);
        return JSON.writeValueAsBytes(m);
    }

    static Digest push(String repo, String tag, String annotation, byte[] layer) throws Exception {
        return putManifest(repo, tag, manifestOf(repo, annotation, layer));
    }

    static Digest putManifest(String repo, String tag, byte[] m) {
        HttpResponse<byte[]> r = client.send("PUT", "/v2/" + repo + "/manifests/" + tag, m, "Content-Type", MediaTypes.OCI_MANIFEST, "Authorization", admin);
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
        return Digest.sha256(m);
    }

    static void open(String path) {
        fx.open(path);
    }

    static void shot(String name) throws Exception {
        fx.shot(name);
    }

    static String text(String css) {
        return fx.text(css);
    }

    static void navigate(Runnable action) {
        fx.navigate(action);
    }

    static void signIn(String user, String password) {
        fx.signIn(user, password);
    }

    static void signOutIfSignedIn() {
        fx.signOutIfSignedIn();
    }

    @Test
    @Order(1)
    void signInBrowseRepositoriesAndTags() throws Exception {
        open("/");
        assertThat(browser.getCurrentUrl()).contains("/login?next=");
        shot("01-sign-in");
        signIn("admin", "wrong-password");
        assertThat(text("#login-error")).contains("Wrong user name or password");
        signIn("admin", AuthFixture.ADMIN_PASSWORD);
        assertThat(text("#signed-in-user")).isEqualTo("admin");
        assertThat(text("#repositories")).contains("team/app", "team/many", "secret/hidden");
        shot("02-repositories");

        navigate(() -> browser.findElement(By.linkText("team/app")).click());
        assertThat(text("#repository-name")).isEqualTo("team/app");
        assertThat(text("#tags")).contains("1.0", "evil", "linux/amd64", "C 1", "fixable");
        assertThat(browser.findElement(By.id("docker-pull")).getAttribute("value")).isEqualTo("docker pull " + server.registryHost() + "/team/app:evil");
        assertThat(browser.findElements(By.cssSelector("svg.chart"))).hasSize(2);
        shot("03-repository");

        open("/repositories/team/many");
        assertThat(browser.findElements(By.cssSelector("#tags tbody tr"))).hasSize(50);
        navigate(() -> browser.findElement(By.id("next-page")).click());
        assertThat(browser.findElements(By.cssSelector("#tags tbody tr"))).hasSize(5);
        assertThat(text("#tags")).contains("v054");

        open("/repositories?q=many");
        assertThat(text("#repositories")).contains("team/many").doesNotContain("team/app");
    }

    @Test
    @Order(2)
    void imagePageShowsLayersFindingsSbomAndFiltersOnTheServer() throws Exception {
        open("/repositories/team/app/-/images/" + app);
        assertThat(text("#image-digest")).isEqualTo(app.toString());
        assertThat(text("#layers")).contains("application/vnd.oci.image.layer.v1.tar+gzip");
        assertThat(text("#findings")).contains("log4j-core", "critical");
        WebElement advisory = browser.findElement(By.cssSelector("#findings tbody tr td a"));
        assertThat(advisory.getAttribute("href")).matches("https://(github\\.com/advisories|nvd\\.nist\\.gov/vuln/detail|osv\\.dev/vulnerability)/.+");
        assertThat(browser.findElement(By.id("sbom-download")).getAttribute("href")).endsWith("/repositories/team/app/-/sbom/" + app);
        shot("04-image");

        // server-side filters: by the form (no script needed), then by query parameters
        new Select(browser.findElement(By.id("severity"))).selectByValue("LOW");
        navigate(() -> browser.findElement(By.cssSelector("#findings-filter button")).click());
        assertThat(browser.getCurrentUrl()).contains("severity=LOW");
        assertThat(browser.findElements(By.cssSelector("#findings tbody tr"))).isEmpty();
        open("/repositories/team/app/-/images/" + app + "?severity=CRITICAL&fixable=yes&pkg=log4j&sort=package");
        assertThat(browser.findElements(By.cssSelector("#findings tbody tr"))).hasSize(1);
        shot("05-findings-filtered");

        // the SBOM downloads as a file
        HttpResponse<String> sbom = get("/repositories/team/app/-/sbom/" + app, sessionCookie());
        assertThat(sbom.statusCode()).isEqualTo(200);
        assertThat(sbom.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(sbom.body()).contains("CycloneDX");

        // scan now (a POST with the page's CSRF token) queues a rescan and comes back to the image
        navigate(() -> browser.findElement(By.id("scan-now")).click());
        assertThat(browser.getCurrentUrl()).endsWith("/repositories/team/app/-/images/" + app);
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(http.get("/api/v1/repositories/team/app/scans/" + app, admin).json().path("state").asText()));
    }

    @Test
    @Order(3)
    void hostileAnnotationsShowAsText() throws Exception {
        open("/repositories/team/app/-/images/" + evil);
        String annotations = text("#annotations");
        assertThat(annotations).contains(EVIL);
        assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
        assertThat(browser.getPageSource()).contains("&lt;script&gt;alert('annotation')&lt;/script&gt;");
        shot("06-annotations-escaped");
    }

    @Test
    @Order(4)
    void promoteShowsTheVerdictConditionByConditionThenPromotesAndSigns() throws Exception {
        open("/repositories/team/app/-/images/" + app);
        navigate(() -> browser.findElement(By.id("promote-link")).click());
        new Select(browser.findElement(By.id("policy"))).selectByValue("strict");
        navigate(() -> browser.findElement(By.id("evaluate")).click());
        assertThat(text("#verdict")).contains("fails");
        assertThat(text("#conditions")).contains("vulnerabilities.critical", "fail");
        assertThat(browser.findElements(By.id("confirm-promotion"))).isEmpty();
        shot("07-promote-refused");

        new Select(browser.findElement(By.id("policy"))).selectByValue("release");
        navigate(() -> browser.findElement(By.id("evaluate")).click());
        assertThat(text("#verdict")).contains("passes", "prod/app");
        shot("08-promote-preview");
        navigate(() -> browser.findElement(By.id("confirm-promotion")).click());
        assertThat(text("#promotion-result")).contains("Promoted to prod/app:1.0", "signed by key");
        shot("09-promoted");

        open("/repositories/prod/app/-/images/" + app);
        assertThat(text("#signatures")).contains("valid", "registry");
        assertThat(browser.findElement(By.cssSelector("dl.provenance")).getText()).contains("release", "team/app", "admin");
        assertThat(text("#referrers")).contains(io.gatehouse.registry.trust.Promoter.PROVENANCE_ARTIFACT_TYPE);
        shot("10-promoted-image");
        open("/repositories/prod/app");
        assertThat(text("#tags")).contains("signed");
    }

    @Test
    @Order(5)
    void vulnerabilitiesPoliciesAuditAdministrationAndMirrors() throws Exception {
        open("/vulnerabilities");
        assertThat(text("#db-version")).isNotBlank();
        navigate(() -> browser.findElement(By.id("id")).sendKeys("CVE-2021-44228" + Keys.ENTER));
        assertThat(text("#affected")).contains("team/app", app.toString());
        shot("11-vulnerabilities");

        open("/policies?name=release");
        WebElement doc = browser.findElement(By.id("document"));
        doc.clear();
        doc.sendKeys("{\"schemaVersion\": 1, \"name\": \"release\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": -1}}}}");
        navigate(() -> browser.findElement(By.id("save-policy")).click());
        assertThat(text("#policy-errors")).contains("$.conditions.vulnerabilities.maxCounts.critical");
        shot("12-policy-invalid");
        doc = browser.findElement(By.id("document"));
        doc.clear();
        doc.sendKeys("{\"schemaVersion\": 1, \"name\": \"release\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 2}}}, \"promotion\": {\"targetRepository\": \"prod/app\"}}");
        navigate(() -> browser.findElement(By.id("save-policy")).click());
        assertThat(browser.getCurrentUrl()).contains("saved=2");
        assertThat(browser.findElements(By.cssSelector(".side-by-side section"))).hasSize(2);
        shot("13-policies-side-by-side");

        open("/audit?action=image.promote");
        assertThat(text("#audit")).contains("promoted to prod/app:1.0 by policy release");
        shot("14-audit");

        // administration in depth: AdminPagesBrowserTest
        open("/admin/service-accounts");
        browser.findElement(By.id("sa-name")).sendKeys("jenkins");
        navigate(() -> browser.findElement(By.cssSelector("#service-account-form button")).click());
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.id("admin-message")).isEmpty());
        assertThat(text("#admin-message")).contains("jenkins created");
        String token = browser.findElement(By.id("new-token")).getAttribute("value");
        assertThat(token).startsWith("ghsa_");
        shot("15-administration");
        open("/admin/service-accounts");
        assertThat(browser.getPageSource()).doesNotContain(token);

        open("/mirrors");
        assertThat(browser.findElement(By.id("mirror-runs")).isDisplayed()).isTrue();
        shot("16-mirrors");
    }

    @Test
    @Order(6)
    void keyboardReachesLinksAndButtonsWithVisibleFocus() {
        open("/repositories");
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            WebElement active = browser.switchTo().activeElement();
            if (active.getTagName().equals("body")) break; // past the last element: focus left the page
            reached.add(active.getTagName() + ":" + active.getText());
            if (i == 0) assertThat(active.getText()).isEqualTo("Skip to content");
            assertThat(active.getCssValue("outline-style")).as("focus is visible on %s", active.getText()).isNotEqualTo("none");
        }
        assertThat(reached).anyMatch(s -> s.equals("a:team/app"));
        assertThat(reached).anyMatch(s -> s.startsWith("button:"));

        open("/repositories/team/app/-/images/" + app);
        boolean scanButton = false;
        for (int i = 0; i < 30 && !scanButton; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            scanButton = "scan-now".equals(browser.switchTo().activeElement().getAttribute("id"));
        }
        assertThat(scanButton).as("Tab reaches the scan button").isTrue();
    }

    @Test
    @Order(7)
    void unprivilegedUserSeesNoRestrictedNamesAndIsRefused() throws Exception {
        signOutIfSignedIn();
        signIn("dev", "dev-password-1");
        assertThat(text("#signed-in-user")).isEqualTo("dev");
        String list = browser.getPageSource();
        assertThat(list).contains("team/app").doesNotContain("secret/hidden").doesNotContain("prod/app").doesNotContain("team/many");
        shot("17-repositories-unprivileged");

        // a restricted repository answers exactly as one that does not exist
        open("/repositories/secret/hidden");
        String hidden = text("main");
        open("/repositories/secret/nothing-here");
        assertThat(text("main")).isEqualTo(hidden);
        assertThat(hidden).contains("Not found");
        shot("18-not-found");
        open("/repositories/secret/hidden/-/images/1.0");
        assertThat(text("#error-heading")).isEqualTo("Not found");

        // as on the API: a reader may ask for a scan (pull) but not promote (push); administration is refused
        open("/repositories/team/app/-/images/" + app);
        assertThat(browser.findElements(By.id("promote-link"))).isEmpty();
        assertThat(browser.findElements(By.id("scan-now"))).isNotEmpty();
        open("/audit");
        assertThat(text("#error-heading")).isEqualTo("Not allowed");
        shot("19-refused");
        open("/vulnerabilities?id=CVE-2021-44228");
        assertThat(browser.findElements(By.id("affected"))).isNotEmpty(); // team/app is public
        open("/repositories/team/app/-/promote/" + app);
        assertThat(text("#error-heading")).isEqualTo("Not allowed");
    }

    @Test
    @Order(8)
    void postsWithoutTheCsrfTokenAreRefusedAndHeadersAreStrict() throws Exception {
        String cookie = sessionCookie();
        HttpResponse<String> forged = post("/repositories/team/app/-/scan/" + app, cookie, "");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
        assertThat(post("/logout", cookie, "_csrf=wrong").statusCode()).isEqualTo(403);
        assertThat(post("/admin", null, "name=x").statusCode()).isEqualTo(403);

        HttpResponse<String> page = get("/login", null);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).isPresent();
        assertThat(page.headers().firstValue("Set-Cookie").orElse("")).contains("HttpOnly", "SameSite=Lax");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    @Test
    @Order(9)
    void aPasswordChangeEndsTheSession() {
        open("/repositories");
        assertThat(text("#signed-in-user")).isEqualTo("dev");
        assertThat(api("PATCH", "/users/dev", "{\"password\":\"dev-password-2\"}").status()).isEqualTo(200);
        open("/repositories");
        assertThat(browser.getCurrentUrl()).contains("/login");
        signIn("dev", "dev-password-2");
        assertThat(text("#signed-in-user")).isEqualTo("dev");
    }

    @Test
    @Order(10)
    void signInIsThrottledByTheApisThrottle() throws Exception {
        for (int i = 0; i < 5; i++) assertThat(signInOverHttp("dev", "wrong-password").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = signInOverHttp("dev", "dev-password-2");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("Too many failed sign-ins");
        // one count: the API's Basic check of the same account is refused too
        assertThat(http.get("/api/v1/me", Http.basic("dev", "dev-password-2")).status()).isEqualTo(429);
    }

    /** Signs in without the browser: the form's session cookie and CSRF token, then the POST. */
    static HttpResponse<String> signInOverHttp(String user, String password) throws Exception {
        HttpResponse<String> form = get("/login", null);
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        return post("/login", cookie, "_csrf=" + m.group(1) + "&username=" + user + "&password=" + password);
    }

    static String sessionCookie() {
        return fx.sessionCookie();
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        return fx.get(path, cookie);
    }

    static HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        return fx.post(path, cookie, form);
    }
}
