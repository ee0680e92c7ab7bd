package io.gatehouse.registry.auth;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.Visibility;
import io.gatehouse.registry.api.ApiRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of the Distribution API and of the management API × every role → the exact status, against the
 * real registry with auth wired as Main wires it. The matrix is data: a management route registered without a
 * row here, or a Distribution endpoint of the spec without one, fails {@link #everyRouteHasARow()}.
 *
 * <p>Roles: anonymous; authenticated with no permission; read / write / admin on the organization {@code acme};
 * curator of the restricted {@code acme/vault}; owner of {@code acme}; system admin; a token that has expired;
 * a token of a service account revoked since; a token for another repository. On {@code /v2} the named roles
 * use bearer tokens from the token endpoint (as docker/podman/skopeo do); on the management API they use Basic.
 *
 * <p>{@code acme/app} is private; {@code acme/vault} is restricted (hidden from all but its curator, the owner and
 * system admins: they get what a missing repository gets). Mutating rows target things that do not exist or send
 * invalid bodies, so an authorized call answers 404/400 and the matrix never changes its own fixture.
 */
class PermissionMatrixTest {

    static final List<String> ROLES = List.of("anon", "nobody", "read", "write", "admin", "curator", "owner", "sysadmin", "expired", "revoked", "other");
    static final String PW = "password-123";

    @TempDir
    static Path dir;
    static SecuredRegistry reg;
    static final Map<String, String> v2Auth = new LinkedHashMap<>();
    static final Map<String, String> apiAuth = new LinkedHashMap<>();
    static Digest appManifest, vaultManifest;
    static Digest appLayer, vaultLayer;
    static byte[] appManifestBytes;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Row(String method, String path, String template, String body, String expected) {
    }

    static final List<Row> ROWS = new ArrayList<>();

    static void v2(String method, String path, String endpoint, String expected) {
        ROWS.add(new Row(method, path, endpoint, null, expected));
    }

    static void api(String method, String path, String template, String body, String expected) {
        ROWS.add(new Row(method, "/api/v1" + path, template, body, expected));
    }

    @BeforeAll
    static void setUp() {
        // static state is shared with subclasses (PermissionMatrixOnPostgresTest): start from nothing
        ROWS.clear();
        v2Auth.clear();
        apiAuth.clear();
        reg = new SecuredRegistry(dir, false);
        AuthModule auth = reg.auth();
        Accounts a = auth.accounts();
        Permissions p = auth.permissions();
        for (String u : List.of("nobody", "reader", "writer", "orgadmin", "curator", "owner")) a.createUser(u, PW.toCharArray(), false);
        a.createOrg("acme");
        a.addOwner("acme", "owner");
        a.createTeam("acme", "devs");
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "reader", Role.READ));
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "writer", Role.WRITE));
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "orgadmin", Role.ADMIN));
        p.setVisibility("acme/vault", Visibility.RESTRICTED);
        p.addCurator("acme/vault", Grant.GranteeKind.PRINCIPAL, "curator");
        appManifest = reg.pushImage("acme/app", "1", SecuredRegistry.admin());
        vaultManifest = reg.pushImage("acme/vault", "1", SecuredRegistry.admin());
        appLayer = Digest.sha256(("layer of acme/app 1").getBytes());
        vaultLayer = Digest.sha256(("layer of acme/vault 1").getBytes());
        appManifestBytes = CLIENT_GET("/v2/acme/app/manifests/1", SecuredRegistry.admin());
        Http http = new Http(reg.base);
        String[] all = {"repository:acme/app:pull,push,delete", "repository:acme/vault:pull,push,delete", "registry:catalog:*"};
        Map<String, String> users = Map.of("nobody", "nobody", "read", "reader", "write", "writer", "admin", "orgadmin",
                "curator", "curator", "owner", "owner");
        v2Auth.put("anon", null);
        apiAuth.put("anon", null);
        for (String role : List.of("nobody", "read", "write", "admin", "curator", "owner")) {
            v2Auth.put(role, Http.bearer(http.tokenFor(users.get(role), PW, all)));
            apiAuth.put(role, Http.basic(users.get(role), PW));
        }
        v2Auth.put("sysadmin", Http.bearer(http.tokenFor("admin", AuthFixture.ADMIN_PASSWORD, all)));
        apiAuth.put("sysadmin", SecuredRegistry.admin());

        reg.clock.advance(Duration.ofMinutes(-10));
        String expired = Http.bearer(http.tokenFor("writer", PW, all));
        reg.clock.advance(Duration.ofMinutes(10));
        var robot = a.createServiceAccount("robot", "", null, false, "admin");
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "robot", Role.WRITE));
        String revoked = Http.bearer(http.tokenFor("robot", robot.token(), all));
        a.revokeServiceAccount("robot");
        String other = Http.bearer(http.tokenFor("writer", PW, "repository:acme/other:pull,push,delete"));
        for (var m : List.of(v2Auth, apiAuth)) {
            m.put("expired", expired);
            m.put("revoked", revoked);
            m.put("other", other);
        }
        defineRows();
    }

    private static byte[] CLIENT_GET(String path, String auth) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(java.net.URI.create(reg.base + path)).header("Authorization", auth)
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterAll
    static void tearDown() {
        if (reg != null) reg.close();
    }

    //                                        anon nobody read write admin curator owner sys expired revoked other
    static void defineRows() {
        String missingDigest = "sha256:" + "0".repeat(64);
        v2("GET", "/v2/", "base", "401 200 200 200 200 200 200 200 401 401 200");
        v2("GET", "/v2/_catalog", "catalog", "401 200 200 200 200 200 200 200 401 401 401");
        for (String repo : List.of("acme/app", "acme/vault")) {
            boolean vault = repo.equals("acme/vault");
            Digest layer = vault ? vaultLayer : appLayer;
            Digest manifest = vault ? vaultManifest : appManifest;
            String pull = vault ? "401 401 404 404 404 200 200 200 401 401 401" : "401 401 200 200 200 401 200 200 401 401 401";
            v2("GET", "/v2/" + repo + "/manifests/1", "manifest GET", pull);
            v2("HEAD", "/v2/" + repo + "/manifests/1", "manifest HEAD", pull);
            v2("GET", "/v2/" + repo + "/manifests/" + manifest, "manifest GET", pull);
            v2("PUT", "/v2/" + repo + "/manifests/2", "manifest PUT",
                    vault ? "401 401 401 404 404 401 201 201 401 401 401" : "401 401 401 201 201 401 201 201 401 401 401");
            v2("DELETE", "/v2/" + repo + "/manifests/gone", "manifest DELETE",
                    vault ? "401 401 401 401 404 401 404 404 401 401 401" : "401 401 401 401 404 401 404 404 401 401 401");
            v2("GET", "/v2/" + repo + "/blobs/" + layer, "blob GET", pull);
            v2("HEAD", "/v2/" + repo + "/blobs/" + layer, "blob HEAD", pull);
            v2("DELETE", "/v2/" + repo + "/blobs/" + missingDigest, "blob DELETE",
                    vault ? "401 401 401 401 404 401 404 404 401 401 401" : "401 401 401 401 404 401 404 404 401 401 401");
            v2("POST", "/v2/" + repo + "/blobs/uploads/", "upload POST",
                    vault ? "401 401 401 404 404 401 202 202 401 401 401" : "401 401 401 202 202 401 202 202 401 401 401");
            String upload = "401 401 401 404 404 401 404 404 401 401 401";
            v2("GET", "/v2/" + repo + "/blobs/uploads/no-such-upload", "upload GET", upload);
            v2("PATCH", "/v2/" + repo + "/blobs/uploads/no-such-upload", "upload PATCH", upload);
            v2("PUT", "/v2/" + repo + "/blobs/uploads/no-such-upload?digest=" + missingDigest, "upload PUT", upload);
            v2("DELETE", "/v2/" + repo + "/blobs/uploads/no-such-upload", "upload DELETE", upload);
            v2("GET", "/v2/" + repo + "/tags/list", "tags GET", pull);
            // Referrers of a missing repository: an empty index (200) — and so for a hidden one.
            v2("GET", "/v2/" + repo + "/referrers/" + manifest, "referrers GET",
                    vault ? "401 401 200 200 200 200 200 200 401 401 401" : pull);
        }

        String self = "401 200 200 200 200 200 200 200 401 401 401";
        String self400 = "401 400 400 400 400 400 400 400 401 401 401";
        String sys = "401 403 403 403 403 403 403 %s 401 401 401";
        String orgRead = "401 403 200 200 200 403 200 200 401 401 401";
        String orgAdmin = "401 403 403 403 403 403 %s %s 401 401 401";
        String repoRead = "401 403 200 200 200 403 200 200 401 401 401";
        String repoAdmin = "401 403 403 403 %s 403 %s %s 401 401 401";

        api("GET", "/me", "/me", null, self);
        api("PUT", "/me/password", "/me/password", "{\"password\":\"x\"}", self400);
        api("GET", "/users", "/users", null, sys.formatted("200"));
        api("POST", "/users", "/users", "{}", sys.formatted("400"));
        api("GET", "/users/admin", "/users/{name}", null, sys.formatted("200"));
        api("PATCH", "/users/ghost", "/users/{name}", "{}", sys.formatted("404"));
        api("DELETE", "/users/ghost", "/users/{name}", null, sys.formatted("404"));
        api("GET", "/service-accounts", "/service-accounts", null, sys.formatted("200"));
        api("POST", "/service-accounts", "/service-accounts", "{}", sys.formatted("400"));
        api("GET", "/service-accounts/ghost", "/service-accounts/{name}", null, sys.formatted("404"));
        api("DELETE", "/service-accounts/ghost", "/service-accounts/{name}", null, sys.formatted("404"));
        api("DELETE", "/service-accounts/ghost?purge=true", "/service-accounts/{name}", null, sys.formatted("404"));
        api("POST", "/service-accounts/ghost/token", "/service-accounts/{name}/token", null, sys.formatted("404"));
        api("GET", "/permissions", "/permissions", null, sys.formatted("200"));
        api("GET", "/orgs", "/orgs", null, self);
        api("POST", "/orgs", "/orgs", "{}", sys.formatted("400"));
        api("GET", "/orgs/acme", "/orgs/{org}", null, orgRead);
        api("DELETE", "/orgs/ghost", "/orgs/{org}", null, sys.formatted("404"));
        api("PUT", "/orgs/acme/owners/ghost", "/orgs/{org}/owners/{principal}", null, orgAdmin.formatted("404", "404"));
        api("DELETE", "/orgs/acme/owners/ghost", "/orgs/{org}/owners/{principal}", null, orgAdmin.formatted("404", "404"));
        api("GET", "/orgs/acme/teams", "/orgs/{org}/teams", null, orgRead);
        api("POST", "/orgs/acme/teams", "/orgs/{org}/teams", "{}", orgAdmin.formatted("400", "400"));
        api("DELETE", "/orgs/acme/teams/ghost", "/orgs/{org}/teams/{team}", null, orgAdmin.formatted("404", "404"));
        api("GET", "/orgs/acme/teams/devs/members", "/orgs/{org}/teams/{team}/members", null, orgRead);
        api("PUT", "/orgs/acme/teams/devs/members/ghost", "/orgs/{org}/teams/{team}/members/{principal}", null, orgAdmin.formatted("404", "404"));
        api("DELETE", "/orgs/acme/teams/devs/members/ghost", "/orgs/{org}/teams/{team}/members/{principal}", null, orgAdmin.formatted("404", "404"));
        api("GET", "/orgs/acme/permissions", "/orgs/{org}/permissions", null, orgAdmin.formatted("200", "200"));
        api("PUT", "/orgs/acme/permissions", "/orgs/{org}/permissions", "{}", orgAdmin.formatted("400", "400"));
        api("DELETE", "/orgs/acme/permissions/principal/ghost", "/orgs/{org}/permissions/{granteeKind}/{grantee*}", null, orgAdmin.formatted("404", "404"));
        api("GET", "/repositories", "/repositories", null, self);
        api("GET", "/repositories/acme/app", "/repositories/{repo*}", null, repoRead);
        api("GET", "/repositories/acme/vault", "/repositories/{repo*}", null, "401 403 404 404 404 200 200 200 401 401 401");
        api("PUT", "/repositories/acme/app/visibility", "/repositories/{repo*}/visibility", "{}", repoAdmin.formatted("400", "400", "400"));
        api("PUT", "/repositories/acme/vault/visibility", "/repositories/{repo*}/visibility", "{}", "401 403 403 403 404 403 400 400 401 401 401");
        api("GET", "/repositories/acme/app/permissions", "/repositories/{repo*}/permissions", null, repoAdmin.formatted("200", "200", "200"));
        api("PUT", "/repositories/acme/app/permissions", "/repositories/{repo*}/permissions", "{}", repoAdmin.formatted("400", "400", "400"));
        api("DELETE", "/repositories/acme/app/permissions/principal/ghost", "/repositories/{repo*}/permissions/{granteeKind}/{grantee*}", null,
                repoAdmin.formatted("404", "404", "404"));
        api("GET", "/repositories/acme/app/curators", "/repositories/{repo*}/curators", null, repoAdmin.formatted("200", "200", "200"));
        api("PUT", "/repositories/acme/app/curators", "/repositories/{repo*}/curators", "{}", repoAdmin.formatted("400", "400", "400"));
        api("DELETE", "/repositories/acme/app/curators/principal/ghost", "/repositories/{repo*}/curators/{granteeKind}/{grantee*}", null,
                repoAdmin.formatted("404", "404", "404"));
        api("GET", "/audit", "/audit", null, sys.formatted("200"));

        // Trust's routes (keys, policies, promotion, gates), registered on the same router.
        String promote = "401 403 403 %1$s %1$s 403 %1$s %1$s 401 401 401";
        api("GET", "/keys/global", "/keys/global", null, sys.formatted("200"));
        api("POST", "/keys/global", "/keys/global", "{}", sys.formatted("400"));
        api("DELETE", "/keys/global/no-such-key", "/keys/global/{keyId}", null, sys.formatted("404"));
        api("GET", "/orgs/acme/keys", "/orgs/{org}/keys", null, orgRead);
        api("POST", "/orgs/acme/keys", "/orgs/{org}/keys", "{}", orgAdmin.formatted("400", "400"));
        api("DELETE", "/orgs/acme/keys/no-such-key", "/orgs/{org}/keys/{keyId}", null, orgAdmin.formatted("404", "404"));
        api("GET", "/repositories/acme/app/keys", "/repositories/{repo*}/keys", null, repoRead);
        api("POST", "/repositories/acme/app/keys", "/repositories/{repo*}/keys", "{}", repoAdmin.formatted("400", "400", "400"));
        api("DELETE", "/repositories/acme/app/keys/no-such-key", "/repositories/{repo*}/keys/{keyId}", null, repoAdmin.formatted("404", "404", "404"));
        api("GET", "/repositories/acme/app/signatures/" + appManifest, "/repositories/{repo*}/signatures/{digest}", null, repoRead);
        api("GET", "/repositories/acme/vault/signatures/" + vaultManifest, "/repositories/{repo*}/signatures/{digest}", null,
                "401 403 404 404 404 200 200 200 401 401 401");
        api("GET", "/policies", "/policies", null, self);
        api("POST", "/policies", "/policies", "{}", sys.formatted("400"));
        api("GET", "/policies/no-such-policy", "/policies/{name}", null, self.replace("200", "404"));
        api("GET", "/policies/no-such-policy/versions/1", "/policies/{name}/versions/{version}", null, self.replace("200", "404"));
        api("POST", "/repositories/acme/app/promotions", "/repositories/{repo*}/promotions", "{}", promote.formatted("400"));
        api("GET", "/repositories/acme/app/auto-promotions", "/repositories/{repo*}/auto-promotions", null, repoRead);
        api("POST", "/repositories/acme/app/auto-promotions", "/repositories/{repo*}/auto-promotions", "{}", repoAdmin.formatted("400", "400", "400"));
        api("GET", "/repositories/acme/app/gates", "/repositories/{repo*}/gates", null, repoRead);
        api("PUT", "/repositories/acme/app/gates", "/repositories/{repo*}/gates", "[]", repoAdmin.formatted("400", "400", "400"));

        // Scan's routes (scans, reports, SBOMs, settings, vulnerability data); missing digests answer 404.
        String repoRead404 = "401 403 404 404 404 403 404 404 401 401 401";
        api("POST", "/repositories/acme/app/scans/" + missingDigest, "/repositories/{repo*}/scans/{digest}", null, repoRead404);
        api("GET", "/repositories/acme/app/scans/" + missingDigest, "/repositories/{repo*}/scans/{digest}", null, repoRead404);
        api("GET", "/repositories/acme/vault/scans/" + vaultManifest, "/repositories/{repo*}/scans/{digest}", null,
                "401 403 404 404 404 200 200 200 401 401 401");
        api("GET", "/repositories/acme/app/scans/" + missingDigest + "/report", "/repositories/{repo*}/scans/{digest}/report", null, repoRead404);
        api("GET", "/repositories/acme/app/scans/" + missingDigest + "/sbom", "/repositories/{repo*}/scans/{digest}/sbom", null, repoRead404);
        api("GET", "/repositories/acme/app/scan-settings", "/repositories/{repo*}/scan-settings", null, repoRead);
        api("PUT", "/repositories/acme/app/scan-settings", "/repositories/{repo*}/scan-settings", "{}", repoAdmin.formatted("400", "400", "400"));
        api("GET", "/vulndb", "/vulndb", null, self);
        api("POST", "/vulndb/imports", "/vulndb/imports", "{}", sys.formatted("400"));
        api("GET", "/vulnerabilities/CVE-2021-44228/images", "/vulnerabilities/{cve}/images", null, self);
        // server-side mirroring: push on the target (an empty body is then a 400); runs are for system admins
        api("POST", "/mirrors/acme/app", "/mirrors/{repo*}", "{}", "401 403 403 400 400 403 400 400 401 401 401");
        api("POST", "/mirrors/acme/vault", "/mirrors/{repo*}", "{}", "401 403 403 404 404 403 400 400 401 401 401");
        api("GET", "/mirrors", "/mirrors", null, sys.formatted("200"));
        api("GET", "/mirrors/1", "/mirrors/{id}", null, sys.formatted("404"));
    }

    /** The Distribution endpoints of the OCI distribution-spec (end-1 … end-13) and the catalog. */
    static final Set<String> V2_ENDPOINTS = Set.of("base", "catalog", "manifest GET", "manifest HEAD", "manifest PUT", "manifest DELETE",
            "blob GET", "blob HEAD", "blob DELETE", "upload POST", "upload GET", "upload PATCH", "upload PUT", "upload DELETE",
            "tags GET", "referrers GET");

    @Test
    void everyRouteHasARow() {
        Set<String> covered = new LinkedHashSet<>();
        for (Row r : ROWS) covered.add(r.path().startsWith("/api/v1") ? r.method() + " " + r.template() : r.template());
        for (ApiRoute route : reg.auth().api().routes()) {
            assertThat(covered).as("management route %s %s has a row in the permission matrix", route.method(), route.path())
                    .contains(route.method() + " " + route.path());
        }
        assertThat(covered).containsAll(V2_ENDPOINTS);
    }

    @Test
    void matrix() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Row row : ROWS) {
            String[] expected = row.expected().split(" ");
            assertThat(expected).as(row.path()).hasSize(ROLES.size());
            for (int i = 0; i < ROLES.size(); i++) {
                String role = ROLES.get(i);
                String auth = row.path().startsWith("/api/v1") ? apiAuth.get(role) : v2Auth.get(role);
                int status = send(row, auth);
                checked++;
                if (status != Integer.parseInt(expected[i])) {
                    wrong.add(row.method() + " " + row.path() + " as " + role + ": expected " + expected[i] + ", got " + status);
                }
            }
        }
        assertThat(wrong).as("%d cells checked", checked).isEmpty();
    }

    private static int send(Row row, String auth) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create(reg.base + row.path())).timeout(Duration.ofSeconds(30));
            if (auth != null) b.header("Authorization", auth);
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
            if (row.body() != null) {
                b.header("Content-Type", "application/json");
                body = HttpRequest.BodyPublishers.ofString(row.body());
            } else if (row.method().equals("PUT") && row.path().contains("/manifests/")) {
                b.header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                body = HttpRequest.BodyPublishers.ofByteArray(appManifestBytesFor(row.path()));
            } else if (row.method().equals("PATCH")) {
                b.header("Content-Type", "application/octet-stream");
                body = HttpRequest.BodyPublishers.ofString("x");
            }
            b.method(row.method(), body);
            try {
                return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                // A pooled connection that the server closed as idle (the fixture's setup can outlast Jetty's idle
                // timeout on a loaded machine): the JDK client retries only GETs by itself. One retry, logged.
                System.err.println("RETRY " + row.method() + " " + row.path() + " " + e);
                return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            }
        } catch (Exception e) {
            throw new AssertionError(row.method() + " " + row.path(), e);
        }
    }

    private static byte[] appManifestBytesFor(String path) {
        // The vault's own manifest for the vault (its blobs live there), the app's for the app.
        return path.contains("acme/vault") ? CLIENT_GET("/v2/acme/vault/manifests/1", SecuredRegistry.admin()) : appManifestBytes;
    }
}
