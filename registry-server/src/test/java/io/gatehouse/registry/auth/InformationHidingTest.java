package io.gatehouse.registry.auth;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.Visibility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real registry: a restricted repository answers a non-curator byte for byte like a repository that does
 * not exist, on every read route; the catalog leaves it out; and anonymous pulls of public repositories work
 * when (and only when) anonymous access is on.
 */
class InformationHidingTest {

    @TempDir
    static Path dir;
    static SecuredRegistry reg;
    static Http http;
    static Digest manifest;
    static final String PW = "password-123";

    @BeforeAll
    static void start() {
        reg = new SecuredRegistry(dir, true);
        http = new Http(reg.base);
        var a = reg.auth().accounts();
        var p = reg.auth().permissions();
        a.createUser("member", PW.toCharArray(), false);
        a.createOrg("corp");
        p.grant(new Grant(Grant.TargetKind.ORG, "corp", Grant.GranteeKind.PRINCIPAL, "member", Role.WRITE));
        manifest = reg.pushImage("corp/hidden", "1", SecuredRegistry.admin());
        p.setVisibility("corp/hidden", Visibility.RESTRICTED);
        reg.pushImage("corp/shown", "1", SecuredRegistry.admin());
        reg.pushImage("corp/public", "1", SecuredRegistry.admin());
        p.setVisibility("corp/public", Visibility.PUBLIC);
    }

    @AfterAll
    static void stop() {
        reg.close();
    }

    @Test
    void hiddenAndMissingAnswerAlikeOnEveryReadRoute() {
        String layer = "sha256:" + Digest.sha256(("layer of corp/hidden 1").getBytes()).hex();
        for (String route : List.of("/manifests/1", "/manifests/" + manifest, "/blobs/" + layer, "/tags/list",
                "/referrers/" + manifest, "/blobs/uploads/some-id")) {
            for (String who : List.of("member", "bearer")) {
                String hiddenAuth = who.equals("member") ? Http.basic("member", PW)
                        : Http.bearer(http.tokenFor("member", PW, "repository:corp/hidden:pull,push"));
                String missingAuth = who.equals("member") ? Http.basic("member", PW)
                        : Http.bearer(http.tokenFor("member", PW, "repository:corp/missing:pull,push"));
                Http.Reply hidden = http.get("/v2/corp/hidden" + route, hiddenAuth);
                Http.Reply missing = http.get("/v2/corp/missing" + route, missingAuth);
                assertThat(hidden.status()).as(route + " as " + who).isEqualTo(missing.status());
                assertThat(hidden.body().replace("corp/hidden", "corp/missing")).as(route + " as " + who).isEqualTo(missing.body());
                assertThat(hidden.header("Content-Type")).isEqualTo(missing.header("Content-Type"));
            }
        }
        // The admin sees it.
        assertThat(http.get("/v2/corp/hidden/manifests/1", SecuredRegistry.admin()).status()).isEqualTo(200);
    }

    @Test
    void catalogListsOnlyWhatTheCallerMayRead() {
        assertThat(http.get("/v2/_catalog", Http.basic("member", PW)).json().get("repositories").toString())
                .isEqualTo("[\"corp/public\",\"corp/shown\"]");
        assertThat(http.get("/v2/_catalog", SecuredRegistry.admin()).json().get("repositories").toString())
                .isEqualTo("[\"corp/hidden\",\"corp/public\",\"corp/shown\"]");
        // Anonymous access is on here: the catalog shows the public repository only.
        assertThat(http.get("/v2/_catalog", null).json().get("repositories").toString()).isEqualTo("[\"corp/public\"]");
    }

    @Test
    void anonymousPullOfPublicRepositories() {
        assertThat(http.get("/v2/corp/public/manifests/1", null).status()).isEqualTo(200);
        assertThat(http.get("/v2/corp/shown/manifests/1", null).status()).isEqualTo(401);
        assertThat(http.send("PUT", "/v2/corp/public/manifests/2", null, "application/vnd.oci.image.manifest.v1+json", "{}").status()).isEqualTo(401);
        // The anonymous token flow grants pull on public repositories and nothing else.
        Http.Reply t = http.token(null, "repository:corp/public:pull,push", "repository:corp/shown:pull");
        assertThat(Http.claims(t.json().get("token").asText()).get("access").toString())
                .isEqualTo("[{\"type\":\"repository\",\"name\":\"corp/public\",\"actions\":[\"pull\"]}]");
        assertThat(http.get("/v2/", null).status()).isEqualTo(401); // clients still learn where the token endpoint is
    }
}
