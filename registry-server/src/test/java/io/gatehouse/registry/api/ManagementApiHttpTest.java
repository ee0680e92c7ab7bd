package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.gatehouse.registry.auth.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

/** The management API over HTTP: accounts, organizations, teams, repository settings, audit — and its own authorization. */
class ManagementApiHttpTest {

    @TempDir
    static Path dir;
    static AuthFixture f;
    static Http http;
    static final String ADMIN = basic("admin", AuthFixture.ADMIN_PASSWORD);
    static final String PW = "password-123";

    @BeforeAll
    static void start() throws Exception {
        f = new AuthFixture(dir, false).start();
        http = new Http(f.base);
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private static Http.Reply call(String method, String path, String auth, String json) {
        return http.json(method, "/api/v1" + path, auth, json);
    }

    @Test
    void aWholeSetupThroughTheApi() {
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"erin\",\"password\":\"" + PW + "\"}").status()).isEqualTo(201);
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"frank\",\"password\":\"" + PW + "\"}").status()).isEqualTo(201);
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"frank\",\"password\":\"" + PW + "\"}").status()).isEqualTo(409);
        Http.Reply org = call("POST", "/orgs", ADMIN, "{\"name\":\"shop\",\"owners\":[\"erin\"]}");
        assertThat(org.status()).isEqualTo(201);
        assertThat(org.json().get("owners").toString()).isEqualTo("[\"erin\"]");

        String erin = basic("erin", PW);
        String frank = basic("frank", PW);
        // The owner manages the organization: teams, members, grants.
        assertThat(call("POST", "/orgs/shop/teams", erin, "{\"name\":\"builders\"}").status()).isEqualTo(201);
        assertThat(call("PUT", "/orgs/shop/teams/builders/members/frank", erin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/orgs/shop/teams/builders/members", erin, null).json().get("members").toString()).isEqualTo("[\"frank\"]");
        assertThat(call("PUT", "/orgs/shop/permissions", erin, "{\"granteeKind\":\"team\",\"grantee\":\"shop/builders\",\"role\":\"write\"}").status()).isEqualTo(200);
        assertThat(call("GET", "/orgs/shop/permissions", erin, null).json().get("permissions").toString())
                .isEqualTo("[{\"granteeKind\":\"team\",\"grantee\":\"shop/builders\",\"role\":\"write\"}]");

        // frank now pulls and pushes in shop through his team, but does not administer.
        String t = http.tokenFor("frank", PW, "repository:shop/web:pull,push,delete");
        assertThat(Http.claims(t).get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\",\"push\"]");
        assertThat(call("GET", "/orgs/shop", frank, null).status()).isEqualTo(200);
        assertThat(call("PUT", "/orgs/shop/permissions", frank, "{\"granteeKind\":\"principal\",\"grantee\":\"frank\",\"role\":\"admin\"}").status()).isEqualTo(403);
        assertThat(call("GET", "/users", frank, null).status()).isEqualTo(403);

        // Repository settings: the org owner makes one restricted with a curator; frank's team loses sight of it.
        assertThat(call("PUT", "/repositories/shop/mirror/alpine/visibility", erin, "{\"visibility\":\"restricted\"}").status()).isEqualTo(200);
        assertThat(Http.claims(http.tokenFor("frank", PW, "repository:shop/mirror/alpine:pull")).get("access").get(0).get("actions").toString())
                .isEqualTo("[\"pull\"]"); // as for a missing repository of the org: the registry then answers 404
        assertThat(f.auth.rules().hidden(io.gatehouse.registry.auth.Principal.user("frank", false), "shop/mirror/alpine")).isTrue();
        assertThat(call("GET", "/repositories/shop/mirror/alpine", frank, null).status()).isEqualTo(404);
        assertThat(call("GET", "/repositories/shop/never-configured", frank, null).status()).isEqualTo(404);
        assertThat(call("GET", "/repositories/shop/mirror/alpine", frank, null).body())
                .isEqualTo(call("GET", "/repositories/shop/never-configured", frank, null).body());
        assertThat(call("PUT", "/repositories/shop/mirror/alpine/curators", erin, "{\"granteeKind\":\"principal\",\"grantee\":\"frank\"}").status()).isEqualTo(204);
        JsonNode repo = call("GET", "/repositories/shop/mirror/alpine", erin, null).json();
        assertThat(repo.get("visibility").asText()).isEqualTo("restricted");
        assertThat(repo.get("curators").toString()).isEqualTo("[\"principal:frank\"]");
        assertThat(call("GET", "/repositories/shop/mirror/alpine", frank, null).status()).isEqualTo(200);
        assertThat(call("DELETE", "/repositories/shop/mirror/alpine/curators/principal/frank", erin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/repositories/shop/mirror/alpine", frank, null).status()).isEqualTo(404);

        // Repository-level grant, listed and revoked.
        assertThat(call("PUT", "/repositories/shop/web/permissions", erin, "{\"granteeKind\":\"principal\",\"grantee\":\"frank\",\"role\":\"admin\"}").status()).isEqualTo(200);
        assertThat(call("GET", "/repositories/shop/web/permissions", frank, null).status()).isEqualTo(200);
        assertThat(call("DELETE", "/repositories/shop/web/permissions/principal/frank", erin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/repositories/shop/web/permissions", frank, null).status()).isEqualTo(403);
        assertThat(call("DELETE", "/repositories/shop/web/permissions/principal/frank", erin, null).status()).isEqualTo(404);

        // Every permission change is in the audit log with its actor and address.
        JsonNode events = call("GET", "/audit?action=permission.*&actor=erin", ADMIN, null).json().get("events");
        assertThat(events.size()).isGreaterThanOrEqualTo(3);
        assertThat(events.get(0).get("sourceAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(events.get(0).get("outcome").asText()).isEqualTo("success");
        assertThat(call("GET", "/audit?target=shop/mirror/alpine", ADMIN, null).json().get("events").toString())
                .contains("repository.visibility").contains("curator.add").contains("curator.remove");
        assertThat(call("GET", "/audit", erin, null).status()).isEqualTo(403);
    }

    @Test
    void serviceAccountTokenIsShownOnce() {
        Http.Reply created = call("POST", "/service-accounts", ADMIN, "{\"name\":\"ci-bot\",\"description\":\"Jenkins\",\"expiresInDays\":30}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asText();
        assertThat(token).startsWith("ghsa_").hasSizeGreaterThan(40);
        assertThat(created.json().get("expiresAt").asText()).isEqualTo("2026-12-29T06:00:00Z");
        Http.Reply shown = call("GET", "/service-accounts/ci-bot", ADMIN, null);
        assertThat(shown.json().has("token")).isFalse();
        assertThat(call("GET", "/service-accounts", ADMIN, null).body()).doesNotContain(token);
        // The token authenticates the management API too.
        assertThat(call("GET", "/me", basic("ci-bot", token), null).json().get("kind").asText()).isEqualTo("service-account");
        assertThat(call("DELETE", "/service-accounts/ci-bot", ADMIN, null).status()).isEqualTo(204);
        assertThat(call("GET", "/me", basic("ci-bot", token), null).status()).isEqualTo(401);
        assertThat(call("GET", "/service-accounts/ci-bot", ADMIN, null).json().get("revokedAt").asText()).isNotEmpty();
        assertThat(call("POST", "/service-accounts", ADMIN, "{\"name\":\"old\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}").status()).isEqualTo(400);
    }

    @Test
    void serviceAccountTokensRotateAndAccountsAreDeletedForGood() {
        Http.Reply created = call("POST", "/service-accounts", ADMIN, "{\"name\":\"rotor\"}");
        String first = created.json().get("token").asText();
        String bearer = Http.bearer(http.tokenFor("rotor", first, "repository:any/repo:pull"));
        assertThat(http.get("/v2/", bearer).status()).isEqualTo(200);
        Http.Reply rotated = call("POST", "/service-accounts/rotor/token", ADMIN, null);
        assertThat(rotated.status()).isEqualTo(200);
        String second = rotated.json().get("token").asText();
        assertThat(second).startsWith("ghsa_").isNotEqualTo(first);
        assertThat(rotated.json().get("name").asText()).isEqualTo("rotor");
        // the old token, and the bearer tokens issued with it, stop at once; the new one works
        assertThat(call("GET", "/me", basic("rotor", first), null).status()).isEqualTo(401);
        assertThat(http.get("/v2/", bearer).status()).isEqualTo(401);
        assertThat(call("GET", "/me", basic("rotor", second), null).status()).isEqualTo(200);
        assertThat(call("GET", "/service-accounts/rotor", ADMIN, null).body()).doesNotContain(second);
        assertThat(call("POST", "/service-accounts/ghost/token", ADMIN, null).status()).isEqualTo(404);

        // revoked stays revoked: no new token for it
        assertThat(call("DELETE", "/service-accounts/rotor", ADMIN, null).status()).isEqualTo(204);
        assertThat(call("POST", "/service-accounts/rotor/token", ADMIN, null).status()).isEqualTo(409);
        assertThat(call("GET", "/me", basic("rotor", second), null).status()).isEqualTo(401);

        // purge: gone with its grants and memberships, the name free again
        assertThat(call("POST", "/orgs", ADMIN, "{\"name\":\"robots\",\"owners\":[\"rotor\"]}").status()).isEqualTo(201);
        assertThat(call("PUT", "/orgs/robots/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"rotor\",\"role\":\"write\"}").status()).isEqualTo(200);
        assertThat(call("DELETE", "/service-accounts/rotor?purge=maybe", ADMIN, null).status()).isEqualTo(400);
        assertThat(call("DELETE", "/service-accounts/rotor?purge=true", ADMIN, null).status()).isEqualTo(204);
        assertThat(call("GET", "/service-accounts/rotor", ADMIN, null).status()).isEqualTo(404);
        assertThat(call("GET", "/orgs/robots/permissions", ADMIN, null).json().get("permissions").size()).isZero();
        assertThat(call("GET", "/orgs/robots", ADMIN, null).json().get("owners").size()).isZero();
        assertThat(call("DELETE", "/service-accounts/rotor?purge=true", ADMIN, null).status()).isEqualTo(404);
        assertThat(call("POST", "/service-accounts", ADMIN, "{\"name\":\"rotor\"}").status()).isEqualTo(201);
        assertThat(call("GET", "/audit?target=rotor", ADMIN, null).body())
                .contains("service-account.rotate", "service-account.revoke", "service-account.delete");
    }

    @Test
    void everyGrantIsListedInOnePlace() {
        call("POST", "/users", ADMIN, "{\"name\":\"hank\",\"password\":\"" + PW + "\"}");
        call("POST", "/orgs", ADMIN, "{\"name\":\"listing\"}");
        assertThat(call("PUT", "/orgs/listing/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"hank\",\"role\":\"read\"}").status()).isEqualTo(200);
        assertThat(call("PUT", "/repositories/listing/app/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"hank\",\"role\":\"admin\"}").status()).isEqualTo(200);
        String all = call("GET", "/permissions", ADMIN, null).json().get("permissions").toString();
        assertThat(all).contains("{\"targetKind\":\"org\",\"target\":\"listing\",\"granteeKind\":\"principal\",\"grantee\":\"hank\",\"role\":\"read\"}")
                .contains("{\"targetKind\":\"repository\",\"target\":\"listing/app\",\"granteeKind\":\"principal\",\"grantee\":\"hank\",\"role\":\"admin\"}");
        assertThat(call("GET", "/permissions", basic("hank", PW), null).status()).isEqualTo(403);
    }

    @Test
    void anOrganizationWithAnUnknownOwnerIsNotCreated() {
        Http.Reply refused = call("POST", "/orgs", ADMIN, "{\"name\":\"halfmade\",\"owners\":[\"nobody-here\"]}");
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.json().at("/errors/0/message").asText()).contains("no such user or service account");
        assertThat(call("GET", "/orgs/halfmade", ADMIN, null).status()).isEqualTo(404);
        assertThat(call("POST", "/orgs", ADMIN, "{\"name\":\"halfmade\",\"owners\":\"admin\"}").status()).isEqualTo(400);
        assertThat(call("POST", "/orgs", ADMIN, "{\"name\":\"halfmade\",\"owners\":[\"admin\"]}").status()).isEqualTo(201);
    }

    @Test
    void usersChangeTheirPasswordAndAdminsDisableThem() {
        call("POST", "/users", ADMIN, "{\"name\":\"gina\",\"password\":\"" + PW + "\"}");
        assertThat(call("PUT", "/me/password", basic("gina", PW), "{\"password\":\"another-password\"}").status()).isEqualTo(204);
        assertThat(call("GET", "/me", basic("gina", PW), null).status()).isEqualTo(401);
        assertThat(call("GET", "/me", basic("gina", "another-password"), null).json().get("name").asText()).isEqualTo("gina");
        assertThat(call("PATCH", "/users/gina", ADMIN, "{\"disabled\":true}").json().get("disabled").asBoolean()).isTrue();
        assertThat(call("GET", "/me", basic("gina", "another-password"), null).status()).isEqualTo(401);
        assertThat(call("PATCH", "/users/admin", ADMIN, "{\"systemAdmin\":false}").status()).isEqualTo(400);
        assertThat(call("DELETE", "/users/gina", ADMIN, null).status()).isEqualTo(204);
        assertThat(call("GET", "/users/gina", ADMIN, null).status()).isEqualTo(404);
    }

    @Test
    void anonymousAndBadInput() {
        Http.Reply anon = call("GET", "/users", null, null);
        assertThat(anon.status()).isEqualTo(401);
        assertThat(anon.header("WWW-Authenticate")).contains("scope=\"api:system:admin\"");
        assertThat(call("GET", "/me", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/no/such/thing", ADMIN, null).status()).isEqualTo(404);
        Http.Reply wrongMethod = call("PATCH", "/orgs", ADMIN, "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET, POST");
        assertThat(call("POST", "/users", ADMIN, "{not json").status()).isEqualTo(400);
        assertThat(call("POST", "/users", ADMIN, "[1,2]").status()).isEqualTo(400);
        assertThat(call("POST", "/users", ADMIN, "").status()).isEqualTo(400);
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"" + "x".repeat(500) + "\",\"password\":\"" + PW + "\"}").json().at("/errors/0/code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"Upper\",\"password\":\"" + PW + "\"}").status()).isEqualTo(400);
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"shortpw\",\"password\":\"x\"}").status()).isEqualTo(400);
        assertThat(call("POST", "/users", ADMIN, "{\"name\":\"big\",\"password\":\"" + "p".repeat(2 * 1024 * 1024) + "\"}").status()).isEqualTo(413);
        assertThat(call("PUT", "/repositories/ok/repo/visibility", ADMIN, "{\"visibility\":\"secret\"}").status()).isEqualTo(400);
        assertThat(call("PUT", "/repositories/Bad..Name/visibility", ADMIN, "{\"visibility\":\"public\"}").status()).isIn(400, 403);
        assertThat(call("PUT", "/orgs/nope/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"admin\",\"role\":\"read\"}").status()).isEqualTo(404);
        assertThat(call("POST", "/orgs", ADMIN, "{\"name\":\"q\"}").status()).isEqualTo(201);
        assertThat(call("PUT", "/orgs/q/permissions", ADMIN, "{\"granteeKind\":\"robot\",\"grantee\":\"admin\",\"role\":\"read\"}").status()).isEqualTo(400);
        assertThat(call("PUT", "/orgs/q/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"ghost\",\"role\":\"read\"}").status()).isEqualTo(404);
        assertThat(call("PUT", "/orgs/q/permissions", ADMIN, "{\"granteeKind\":\"principal\",\"grantee\":\"admin\",\"role\":\"owner\"}").status()).isEqualTo(400);
    }

    /**
     * A body over the 1 MiB limit is refused with a 413 the client can read: the server drops the rest of the body
     * before answering. Answering and closing with bytes unread would make the kernel reset the connection, and a
     * client that wrote its whole body before reading would get "connection reset" instead of the 413 (CI saw this
     * from java.net.http once). Here the whole body is written first, then the answer is read on the same socket, and
     * the connection still serves a second request. Also for an anonymous request (401) and a chunked body.
     */
    @Test
    void anOversizedBodyIsRefusedWithAnAnswerTheClientReads() throws Exception {
        java.net.URI uri = java.net.URI.create(f.base);
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'p');
        String admin = "Authorization: " + ADMIN + "\r\n";
        for (String[] c : new String[][]{{admin, "Content-Length: " + big.length, "413"}, {"", "Content-Length: " + big.length, "401"},
                {admin, "Transfer-Encoding: chunked", "413"}}) {
            boolean chunked = c[1].startsWith("Transfer");
            try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
                s.setSoTimeout(20_000);
                java.io.OutputStream out = s.getOutputStream();
                out.write(("POST /api/v1/users HTTP/1.1\r\nHost: x\r\n" + c[0] + "Content-Type: application/json\r\n" + c[1] + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                if (chunked) out.write((Integer.toHexString(big.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(big);
                if (chunked) out.write("\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300); // the old server had answered, closed and reset by now
                java.io.InputStream in = s.getInputStream();
                assertThat(statusLine(in)).as(c[0] + c[1]).contains(" " + c[2] + " ");
                skipHeadersAndBody(in);
                out.write("GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                assertThat(statusLine(in)).as("the connection still serves").contains(" 401 ");
            }
        }
    }

    /** A chunked body whose framing is broken is a 400 (never a 500), and the server goes on serving. */
    @Test
    void aMalformedChunkedBodyIsABadRequest() {
        assertThat(http.rawStatusLine("POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: " + ADMIN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"na\r\nzz\r\nme\"}\r\n0\r\n\r\n")).contains(" 400 ");
        assertThat(call("GET", "/me", ADMIN, null).status()).isEqualTo(200);
    }

    private static String statusLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) line.append((char) b);
        return line.toString();
    }

    private static void skipHeadersAndBody(java.io.InputStream in) throws java.io.IOException {
        long length = 0;
        for (String h; !(h = statusLine(in).trim()).isEmpty(); ) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
        }
        in.readNBytes((int) length);
    }

    @Test
    void everyRouteIsDocumented() throws Exception {
        String api = java.nio.file.Files.readString(Path.of("..", "docs", "api.md"));
        String openapi = java.nio.file.Files.readString(Path.of("..", "docs", "openapi.yaml"));
        for (ApiRoute r : f.auth.api().routes()) {
            assertThat(r.summary()).isNotBlank();
            assertThat(api).as("docs/api.md documents %s %s", r.method(), r.path()).contains("`" + r.method() + " /api/v1" + r.path() + "`");
            String oaPath = r.path().replace("*}", "}");
            assertThat(openapi).as("openapi.yaml has %s", r.path()).contains("/api/v1" + oaPath + ":");
        }
    }
}
