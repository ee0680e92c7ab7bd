package io.gatehouse.registry.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.trust.Trust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The administration pages in a real browser (as {@link WebInterfaceBrowserTest}: Debian's chromium, headless)
 * against a real registry with auth and trust: a system admin creates, changes and removes users, service accounts,
 * organisations, teams, grants, curators and gates through the forms, and each result is checked through the
 * management API. Then the refusals: bad input shows the API's error next to its field and changes nothing, a
 * {@code <script>} name shows as text, POSTs without the right CSRF token and a user who is not a system admin are
 * refused. Every administration page is saved as a PNG under target/ui-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPagesBrowserTest {
    static final String EVIL = "<script>alert('name')</script>";

    @TempDir
    static Path dir;
    static RegistryServer server;
    static Http http;
    static Browser web;
    static WebDriver browser;
    static final String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("registry"));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring wiring = SecuredRegistry.installAuth(b, config, new AuthFixture.MutableClock(java.time.Instant.now()), UnaryOperator.identity());
        AtomicReference<Trust> trust = Trust.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog());
        Ui.install(b, s -> wiring.module(), null, trust);
        server = b.build().start();
        http = new Http(server.baseUrl());
        assertThat(api("POST", "/users", "{\"name\":\"dev\",\"password\":\"dev-password-1\"}").status()).isEqualTo(201);
        assertThat(api("POST", "/policies", """
                {"schemaVersion": 1, "name": "baseline", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}}}""").status()).isEqualTo(201);
        web = Browser.start(dir, server.baseUrl());
        browser = web.driver;
    }

    @AfterAll
    static void stop() {
        if (web != null) web.close();
        if (server != null) server.close();
    }

    static Http.Reply api(String method, String path, String body) {
        return http.json(method, "/api/v1" + path, admin, body);
    }

    static JsonNode apiJson(String path) {
        Http.Reply r = api("GET", path, null);
        assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.json();
    }

    static void type(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    static void choose(String id, String value) {
        new Select(browser.findElement(By.id(id))).selectByValue(value);
    }

    /** The page's status message, and any error beside a field (so a failing check says why). */
    static String message() {
        StringBuilder m = new StringBuilder(web.text("#admin-message"));
        for (WebElement e : browser.findElements(By.cssSelector(".field-error"))) m.append(" | ").append(e.getText());
        return m.toString();
    }

    @Test
    @Order(1)
    void usersAreCreatedDisabledPromotedGivenNewPasswordsAndDeleted() throws Exception {
        web.signIn("admin", AuthFixture.ADMIN_PASSWORD);
        web.open("/admin");
        assertThat(browser.getCurrentUrl()).endsWith("/admin/users");
        assertThat(web.text("#users")).contains("admin", "dev");

        type("new-user-name", "carol");
        type("new-user-password", "carol-password-1");
        web.click("create-user");
        assertThat(browser.getCurrentUrl()).endsWith("/admin/users"); // POST, then redirect, then GET
        assertThat(message()).contains("User carol created");
        assertThat(apiJson("/users/carol").path("systemAdmin").asBoolean()).isFalse();
        web.shot("admin-01-users");

        web.click("disable-carol");
        assertThat(message()).contains("carol disabled");
        assertThat(apiJson("/users/carol").path("disabled").asBoolean()).isTrue();
        assertThat(web.text("#user-carol")).contains("disabled");
        web.click("enable-carol");
        assertThat(apiJson("/users/carol").path("disabled").asBoolean()).isFalse();

        web.click("make-admin-carol");
        assertThat(message()).contains("carol is now a system admin");
        assertThat(apiJson("/users/carol").path("systemAdmin").asBoolean()).isTrue();
        web.click("remove-admin-carol");
        assertThat(apiJson("/users/carol").path("systemAdmin").asBoolean()).isFalse();

        choose("password-user", "carol");
        type("password-new", "carol-password-2");
        web.click("set-password");
        assertThat(message()).contains("New password set for carol");
        assertThat(http.get("/api/v1/me", Http.basic("carol", "carol-password-2")).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/me", Http.basic("carol", "carol-password-1")).status()).isEqualTo(401);

        assertThat(api("POST", "/users", "{\"name\":\"leaving\",\"password\":\"leaving-password\"}").status()).isEqualTo(201);
        web.open("/admin/users");
        web.click("delete-leaving");
        assertThat(message()).contains("leaving deleted");
        assertThat(api("GET", "/users/leaving", null).status()).isEqualTo(404);
        // no buttons against oneself (the API refuses those changes anyway)
        assertThat(browser.findElements(By.id("disable-admin"))).isEmpty();
    }

    @Test
    @Order(2)
    void badInputShowsTheApisErrorBesideTheFieldAndChangesNothing() throws Exception {
        web.open("/admin/users");
        int users = apiJson("/users").path("users").size();

        // a short password: the browser's own check (minlength, from the registry's rule) is bypassed as a script would
        assertThat(browser.findElement(By.id("new-user-password")).getAttribute("minlength")).isEqualTo("8");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('new-user-password').removeAttribute('minlength')");
        type("new-user-name", "shorty");
        type("new-user-password", "short");
        web.click("create-user");
        assertThat(web.text("#create-password-error")).contains("at least 8 characters");
        assertThat(browser.findElement(By.id("new-user-password")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("new-user-password")).getAttribute("value")).isEmpty(); // never sent back
        assertThat(browser.findElement(By.id("new-user-name")).getAttribute("value")).isEqualTo("shorty");
        assertThat(message()).contains("Not changed");
        assertThat(api("GET", "/users/shorty", null).status()).isEqualTo(404);
        web.shot("admin-02-users-short-password");

        // a name that is taken
        type("new-user-name", "carol");
        type("new-user-password", "another-password-1");
        web.click("create-user");
        assertThat(web.text("#create-name-error")).contains("already exists");
        assertThat(http.get("/api/v1/me", Http.basic("carol", "another-password-1")).status()).isEqualTo(401);

        // a name holding markup: refused, and shown as the text it is
        type("new-user-name", EVIL);
        type("new-user-password", "script-password-1");
        web.click("create-user");
        assertThat(web.text("#create-name-error")).containsIgnoringCase("invalid name");
        assertThat(browser.findElement(By.id("new-user-name")).getAttribute("value")).isEqualTo(EVIL);
        assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
        assertThat(browser.getPageSource()).contains("&lt;script&gt;alert('name')&lt;/script&gt;");
        web.shot("admin-03-users-script-name");
        assertThat(apiJson("/users").path("users").size()).isEqualTo(users);

        // over HTTP: the refused form answers the API's status, a change answers 303 to the page
        String cookie = web.sessionCookie();
        String csrf = web.csrf("/admin/users", cookie);
        HttpResponse<String> taken = web.post("/admin/users", cookie, "_csrf=" + csrf + "&action=create&name=carol&password=whatever-password");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("already exists").doesNotContain("whatever-password").doesNotContain("Exception");
        HttpResponse<String> done = web.post("/admin/users", cookie, "_csrf=" + csrf + "&action=disable&name=dev");
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValue("/admin/users");
        assertThat(web.post("/admin/users", cookie, "_csrf=" + csrf + "&action=enable&name=dev").statusCode()).isEqualTo(303);
        assertThat(web.post("/admin/users", cookie, "_csrf=" + csrf + "&action=explode&name=dev").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(3)
    void serviceAccountTokensAreShownOnceRotatedRevokedAndAccountsDeleted() throws Exception {
        web.open("/admin/service-accounts");
        type("sa-name", "ci-robot");
        type("sa-description", EVIL);
        type("sa-expires", "30");
        web.click("create-service-account");
        assertThat(message()).contains("ci-robot created");
        String first = browser.findElement(By.id("new-token")).getAttribute("value");
        assertThat(first).startsWith("ghsa_");
        assertThat(http.get("/api/v1/me", Http.basic("ci-robot", first)).status()).isEqualTo(200);
        assertThat(apiJson("/service-accounts/ci-robot").path("expiresAt").isTextual()).isTrue();
        assertThat(web.text("#sa-ci-robot")).contains(EVIL); // the description, as text
        assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
        web.shot("admin-04-service-account-token");
        web.open("/admin/service-accounts");
        assertThat(browser.getPageSource()).doesNotContain(first);

        web.click("rotate-ci-robot");
        assertThat(message()).contains("New token for ci-robot");
        String second = browser.findElement(By.id("new-token")).getAttribute("value");
        assertThat(second).startsWith("ghsa_").isNotEqualTo(first);
        assertThat(http.get("/api/v1/me", Http.basic("ci-robot", first)).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/me", Http.basic("ci-robot", second)).status()).isEqualTo(200);

        web.click("revoke-ci-robot");
        assertThat(message()).contains("ci-robot revoked");
        assertThat(http.get("/api/v1/me", Http.basic("ci-robot", second)).status()).isEqualTo(401);
        assertThat(web.text("#sa-ci-robot")).contains("revoked");
        assertThat(browser.findElements(By.id("rotate-ci-robot"))).isEmpty();
        web.shot("admin-05-service-accounts");

        web.click("delete-ci-robot");
        assertThat(message()).contains("ci-robot deleted");
        assertThat(api("GET", "/service-accounts/ci-robot", null).status()).isEqualTo(404);

        // a name a user has: refused beside the field
        type("sa-name", "carol");
        web.click("create-service-account");
        assertThat(web.text("#create-name-error")).contains("already exists");
        assertThat(api("GET", "/service-accounts/carol", null).status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void organisationsTeamsAndMembers() throws Exception {
        web.open("/admin/orgs");
        type("org-name", "shop");
        type("org-owner", "ghost");
        web.click("create-org");
        assertThat(web.text("#create-org-owner-error")).containsIgnoringCase("no such user or service account");
        assertThat(api("GET", "/orgs/shop", null).status()).isEqualTo(404);

        type("org-owner", "carol");
        web.click("create-org");
        assertThat(message()).contains("Organisation shop created");
        assertThat(apiJson("/orgs/shop").path("owners").toString()).isEqualTo("[\"carol\"]");

        choose("team-org", "shop");
        type("team-name", "builders");
        web.click("create-team");
        assertThat(apiJson("/orgs/shop/teams").path("teams").toString()).isEqualTo("[\"builders\"]");

        choose("member-team", "shop/builders");
        type("member-principal", "dev");
        web.click("add-member");
        assertThat(message()).contains("dev added to shop/builders");
        assertThat(apiJson("/orgs/shop/teams/builders/members").path("members").toString()).isEqualTo("[\"dev\"]");
        assertThat(web.text("#team-shop-builders")).contains("dev");
        web.shot("admin-06-organisations");

        web.click("remove-shop-builders-dev");
        assertThat(apiJson("/orgs/shop/teams/builders/members").path("members").size()).isZero();
        choose("member-team", "shop/builders");
        type("member-principal", "dev");
        web.click("add-member");
        assertThat(apiJson("/orgs/shop/teams/builders/members").path("members").toString()).isEqualTo("[\"dev\"]");

        type("team-name", "Not A Name");
        web.click("create-team");
        assertThat(web.text("#create-team-name-error")).containsIgnoringCase("invalid name");
    }

    @Test
    @Order(5)
    void permissionsAreGrantedListedAndRevoked() throws Exception {
        web.open("/admin/permissions");
        choose("grant-target-kind", "org");
        type("grant-target", "shop");
        choose("grant-grantee-kind", "team");
        type("grant-grantee", "shop/builders");
        choose("grant-role", "write");
        web.click("grant");
        assertThat(message()).contains("shop/builders now holds write on organisation shop");
        assertThat(apiJson("/orgs/shop/permissions").path("permissions").toString())
                .isEqualTo("[{\"granteeKind\":\"team\",\"grantee\":\"shop/builders\",\"role\":\"write\"}]");

        choose("grant-target-kind", "repository");
        type("grant-target", "shop/web");
        choose("grant-grantee-kind", "principal");
        type("grant-grantee", "carol");
        choose("grant-role", "admin");
        web.click("grant");
        assertThat(apiJson("/repositories/shop/web/permissions").path("permissions").toString())
                .isEqualTo("[{\"granteeKind\":\"principal\",\"grantee\":\"carol\",\"role\":\"admin\"}]");
        assertThat(web.text("#grants")).contains("organisation shop", "team shop/builders", "write", "repository shop/web", "carol", "admin");
        web.shot("admin-07-permissions");

        // a grantee that does not exist, and a repository name that cannot be: beside their fields
        type("grant-target", "shop/web");
        type("grant-grantee", "ghost");
        web.click("grant");
        assertThat(web.text("#grant-grantee-error")).containsIgnoringCase("no such user or service account");
        assertThat(browser.findElement(By.id("grant-target")).getAttribute("value")).isEqualTo("shop/web");
        type("grant-target", "Bad..Name");
        type("grant-grantee", "carol");
        web.click("grant");
        assertThat(web.text("#grant-target-error")).containsIgnoringCase("invalid repository name");
        assertThat(apiJson("/permissions").path("permissions").size()).isEqualTo(2);

        web.click("revoke-repository-shop-web-principal-carol");
        assertThat(message()).contains("carol no longer holds a role on repository shop/web");
        assertThat(apiJson("/repositories/shop/web/permissions").path("permissions").size()).isZero();
    }

    @Test
    @Order(6)
    void repositoryVisibilityCuratorsAndGates() throws Exception {
        web.open("/admin/repositories");
        type("repository-name", "shop/vault");
        web.click("open");
        assertThat(web.text("#repository-heading")).isEqualTo("shop/vault");
        assertThat(web.text("#no-content")).contains("Nothing has been pushed");

        choose("visibility", "restricted");
        web.click("save-visibility");
        assertThat(message()).contains("shop/vault is now restricted");
        assertThat(apiJson("/repositories/shop/vault").path("visibility").asText()).isEqualTo("restricted");

        type("curator-grantee", "dev");
        web.click("add-curator");
        assertThat(apiJson("/repositories/shop/vault/curators").path("curators").toString()).isEqualTo("[\"principal:dev\"]");
        assertThat(web.text("#curators")).contains("dev");
        type("curator-grantee", "ghost");
        web.click("add-curator");
        assertThat(web.text("#add-curator-grantee-error")).containsIgnoringCase("no such user or service account");

        browser.findElement(By.id("gate-protected")).click();
        browser.findElement(By.id("gate-immutable")).click();
        choose("gate-pull-policy", "baseline");
        web.click("save-gates");
        assertThat(message()).contains("Gates of shop/vault saved");
        JsonNode gates = apiJson("/repositories/shop/vault/gates");
        assertThat(gates.path("protected").asBoolean()).isTrue();
        assertThat(gates.path("immutableTags").asBoolean()).isTrue();
        assertThat(gates.path("pullPolicy").asText()).isEqualTo("baseline");
        assertThat(browser.findElement(By.id("gate-protected")).isSelected()).isTrue();
        web.shot("admin-08-repository-access");

        web.navigate(() -> browser.findElement(By.cssSelector("button[aria-label='Remove curator dev']")).click());
        assertThat(apiJson("/repositories/shop/vault/curators").path("curators").size()).isZero();

        web.open("/admin/repositories");
        assertThat(web.text("#configured-repositories")).contains("shop/vault", "restricted"); // shop/web lost its only grant: no settings of its own left
        web.shot("admin-09-repositories");
    }

    @Test
    @Order(7)
    void postsWithoutTheRightCsrfTokenChangeNothing() throws Exception {
        web.open("/admin/users");
        String cookie = web.sessionCookie();
        String form = "action=create&name=forged&password=forged-password-1";
        HttpResponse<String> none = web.post("/admin/users", cookie, form);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("CSRF");
        assertThat(web.post("/admin/users", cookie, "_csrf=wrong&" + form).statusCode()).isEqualTo(403);
        assertThat(web.post("/admin/users", null, form).statusCode()).isEqualTo(403);
        assertThat(api("GET", "/users/forged", null).status()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void aUserWhoIsNotASystemAdminIsRefusedAsByTheApi() throws Exception {
        web.signOutIfSignedIn();
        web.signIn("dev", "dev-password-1");
        assertThat(web.text("#signed-in-user")).isEqualTo("dev");
        assertThat(browser.findElements(By.cssSelector("a[href='/admin']"))).isEmpty();
        for (String page : List.of("/admin", "/admin/users", "/admin/service-accounts", "/admin/orgs", "/admin/permissions",
                "/admin/repositories", "/admin/repositories?name=" + URLEncoder.encode("shop/vault", StandardCharsets.UTF_8))) {
            web.open(page);
            assertThat(web.text("#error-heading")).as(page).isEqualTo("Not allowed");
            assertThat(browser.findElements(By.cssSelector("main form"))).as(page).isEmpty();
            assertThat(browser.getPageSource()).as(page).doesNotContain("carol");
        }
        web.shot("admin-10-refused");
        // the API refuses the same account the same way
        assertThat(http.get("/api/v1/users", Http.basic("dev", "dev-password-1")).status()).isEqualTo(403);

        // a well-formed POST with this session's own token is refused too, and changes nothing
        String cookie = web.sessionCookie();
        String csrf = web.csrf("/repositories", cookie);
        assertThat(web.get("/admin/users", cookie).statusCode()).isEqualTo(403);
        HttpResponse<String> refused = web.post("/admin/users", cookie, "_csrf=" + csrf + "&action=make-admin&name=dev");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(apiJson("/users/dev").path("systemAdmin").asBoolean()).isFalse();
        assertThat(web.post("/admin/service-accounts", cookie, "_csrf=" + csrf + "&action=create&name=sneaky").statusCode()).isEqualTo(403);
        assertThat(api("GET", "/service-accounts/sneaky", null).status()).isEqualTo(404);
    }
}
