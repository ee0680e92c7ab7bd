package io.gatehouse.registry.auth;

import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.ServiceAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.gatehouse.registry.auth.Http.basic;
import static io.gatehouse.registry.auth.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker tried against the token endpoint and bearer tokens: minting wider tokens with a token, using a
 * token beyond its scopes, keeping a token past the end of its account (deleted, re-created under the same name,
 * password changed, disabled, demoted), asking for another service's token, and invalid names on the API.
 */
class TokenHardeningTest {

    @TempDir
    static Path dir;
    static AuthFixture f;
    static Http http;
    static final String PW = "password-123";
    static final String ADMIN = basic("admin", AuthFixture.ADMIN_PASSWORD);

    @BeforeAll
    static void start() throws Exception {
        f = new AuthFixture(dir, false).start();
        http = new Http(f.base);
        Accounts a = f.auth.accounts();
        Permissions p = f.auth.permissions();
        a.createUser("alice", PW.toCharArray(), false);
        a.createOrg("acme");
        a.createOrg("other");
        p.grant(new Grant(Grant.TargetKind.REPO, "acme/a", Grant.GranteeKind.PRINCIPAL, "alice", Role.READ));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private static String query(String... scopes) {
        StringBuilder q = new StringBuilder("/auth/token?service=gatehouse");
        for (String s : scopes) q.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        return q.toString();
    }

    @Test
    void aBearerTokenNeverMintsAnotherToken() {
        String narrow = http.tokenFor("admin", AuthFixture.ADMIN_PASSWORD, "repository:acme/a:pull");
        Http.Reply r = http.get(query("api:system:admin", "repository:acme/b:pull,push,delete"), bearer(narrow));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(r.body()).doesNotContain("token\"");
        // Not even the same scope again (no silent refresh), and not through the OAuth2 form either.
        assertThat(http.get(query("repository:acme/a:pull"), bearer(narrow)).status()).isEqualTo(401);
        Http.Reply form = http.send("POST", "/auth/token", bearer(narrow), "application/x-www-form-urlencoded",
                "grant_type=password&service=gatehouse&scope=api%3Asystem%3Aadmin");
        assertThat(form.status()).isEqualTo(401);
        assertThat(form.header("WWW-Authenticate")).startsWith("Basic realm=");
        String alice = http.tokenFor("alice", PW, "repository:acme/a:pull");
        assertThat(http.get(query("repository:acme/a:pull,push"), bearer(alice)).status()).isEqualTo(401);
        // Basic still works, as real clients use it.
        assertThat(http.get(query("repository:acme/a:pull"), ADMIN).status()).isEqualTo(200);
    }

    @Test
    void aBearerTokenOpensOnlyWhatItCarries() {
        String narrow = http.tokenFor("admin", AuthFixture.ADMIN_PASSWORD, "repository:acme/a:pull");
        assertThat(http.get("/v2/acme/a/manifests/1", bearer(narrow)).status()).isEqualTo(404); // allowed; "missing"
        Http.Reply other = http.get("/v2/acme/b/manifests/1", bearer(narrow));
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        assertThat(http.send("PUT", "/v2/acme/a/manifests/1", bearer(narrow), null, "{}").status()).isEqualTo(401);
        assertThat(http.get("/api/v1/users", bearer(narrow)).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/orgs", bearer(narrow)).status()).isEqualTo(401);
        assertThat(http.json("POST", "/api/v1/orgs", bearer(narrow), "{\"name\":\"evil\"}").status()).isEqualTo(401);
        // A token for the admin's own profile is not a system-admin token: it lists no one else's organizations.
        String self = http.tokenFor("admin", AuthFixture.ADMIN_PASSWORD, "api:self:read");
        Http.Reply orgs = http.get("/api/v1/orgs", bearer(self));
        assertThat(orgs.status()).isEqualTo(200);
        assertThat(orgs.json().get("orgs")).isEmpty();
        assertThat(http.get("/api/v1/orgs", ADMIN).json().get("orgs")).hasSize(2);
        String system = http.tokenFor("admin", AuthFixture.ADMIN_PASSWORD, "api:system:admin");
        assertThat(http.get("/api/v1/users", bearer(system)).status()).isEqualTo(200);
    }

    /** A new user with read on acme, and a working token of theirs for acme/exists. */
    private static String readerWithToken(String name) {
        f.auth.accounts().createUser(name, PW.toCharArray(), false);
        f.auth.permissions().grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, name, Role.READ));
        String token = http.tokenFor(name, PW, "repository:acme/exists:pull");
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(token)).status()).isEqualTo(200);
        return token;
    }

    @Test
    void aTokenDiesWithItsAccountAndIsNotInheritedByANewAccountOfTheSameName() {
        Accounts a = f.auth.accounts();
        String old = readerWithToken("xavier");
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("xavier", PW)).status()).isEqualTo(200);
        a.deleteUser("xavier");
        a.createUser("xavier", PW.toCharArray(), false);
        Http.Reply r = http.get("/v2/acme/exists/manifests/1", bearer(old));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        // The same password for the new account is a new login, with the new account's (no) rights.
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("xavier", PW)).status()).isEqualTo(403);
    }

    @Test
    void aPasswordChangeEndsTheTokensOfTheAccount() {
        String old = readerWithToken("yvonne");
        Http.Reply changed = http.json("PUT", "/api/v1/me/password", basic("yvonne", PW), "{\"password\":\"new-password-456\"}");
        assertThat(changed.status()).isBetween(200, 204);
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(old)).status()).isEqualTo(401);
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("yvonne", PW)).status()).isEqualTo(401);
        String fresh = http.tokenFor("yvonne", "new-password-456", "repository:acme/exists:pull");
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(fresh)).status()).isEqualTo(200);
    }

    @Test
    void disablingOrDemotingEndsTheTokensOfTheAccount() {
        Accounts a = f.auth.accounts();
        a.createUser("zoe", PW.toCharArray(), true);
        String asAdmin = http.tokenFor("zoe", PW, "api:system:admin");
        assertThat(http.get("/api/v1/users", bearer(asAdmin)).status()).isEqualTo(200);
        assertThat(http.json("PATCH", "/api/v1/users/zoe", ADMIN, "{\"systemAdmin\":false}").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/users", bearer(asAdmin)).status()).isEqualTo(401);

        String self = http.tokenFor("zoe", PW, "api:self:read");
        assertThat(http.get("/api/v1/me", bearer(self)).status()).isEqualTo(200);
        assertThat(http.json("PATCH", "/api/v1/users/zoe", ADMIN, "{\"disabled\":true}").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/me", bearer(self)).status()).isEqualTo(401);
        assertThat(http.json("PATCH", "/api/v1/users/zoe", ADMIN, "{\"disabled\":false}").status()).isEqualTo(200);
        // Enabled again: a new login works, the token from before the disabling stays dead.
        assertThat(http.get("/api/v1/me", bearer(self)).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/me", bearer(http.tokenFor("zoe", PW, "api:self:read"))).status()).isEqualTo(200);
    }

    @Test
    void aServiceAccountTokenEndsWithTheServiceAccount() {
        ServiceAccount.Created sa = f.auth.accounts().createServiceAccount("robot", "", null, false, "admin");
        f.auth.permissions().grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "robot", Role.READ));
        String jwt = http.tokenFor("robot", sa.token(), "repository:acme/exists:pull");
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(jwt)).status()).isEqualTo(200);
        assertThat(http.send("DELETE", "/api/v1/service-accounts/robot", ADMIN, null, null).status()).isEqualTo(204);
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(jwt)).status()).isEqualTo(401);
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("robot", sa.token())).status()).isEqualTo(401);
    }

    @Test
    void aTokenForAnotherServiceIsRefused() {
        Http.Reply r = http.get("/auth/token?service=elsewhere&scope=repository%3Aacme%2Fa%3Apull", basic("alice", PW));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/errors/0/code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(r.json().at("/errors/0/message").asText()).contains("service");
        Http.Reply form = http.send("POST", "/auth/token", null, "application/x-www-form-urlencoded",
                "grant_type=password&username=alice&password=" + PW + "&service=elsewhere&scope=repository%3Aacme%2Fa%3Apull");
        assertThat(form.status()).isEqualTo(400);
        assertThat(form.json().get("error").asText()).isEqualTo("invalid_request");
        // Our own service, or none at all (lenient for clients that leave it out).
        assertThat(http.get("/auth/token?service=gatehouse&scope=repository%3Aacme%2Fa%3Apull", basic("alice", PW)).status()).isEqualTo(200);
        assertThat(http.get("/auth/token?scope=repository%3Aacme%2Fa%3Apull", basic("alice", PW)).status()).isEqualTo(200);
    }

    @Test
    void anInvalidRepositoryNameOnTheApiIsNameInvalidForEveryone() {
        for (String auth : new String[]{ADMIN, basic("alice", PW), null}) {
            Http.Reply r = http.get("/api/v1/repositories/acme/Not_Valid", auth);
            assertThat(r.status()).as(String.valueOf(auth)).isEqualTo(400);
            assertThat(r.json().at("/errors/0/code").asText()).isEqualTo("NAME_INVALID");
            Http.Reply put = http.json("PUT", "/api/v1/repositories/acme/Not_Valid/visibility", auth, "{\"visibility\":\"public\"}");
            assertThat(put.status()).isEqualTo(400);
            assertThat(put.json().at("/errors/0/code").asText()).isEqualTo("NAME_INVALID");
        }
        // A valid name is still checked for permission first.
        assertThat(http.json("PUT", "/api/v1/repositories/acme/valid/visibility", basic("alice", PW), "{\"visibility\":\"public\"}").status()).isEqualTo(403);
    }
}
