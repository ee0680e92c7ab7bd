package io.gatehouse.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.accounts.Visibility;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static io.gatehouse.registry.auth.Http.basic;
import static io.gatehouse.registry.auth.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker token authentication over HTTP, against the real token endpoint and access controller (with a
 * stand-in for the registry's routes): challenges, grants, token use, and the bad inputs of the issue.
 */
class TokenAuthHttpTest {

    @TempDir
    static Path dir;
    static AuthFixture f;
    static Http http;
    static String jenkinsToken;
    static final String PW = "password-123";

    @BeforeAll
    static void start() throws Exception {
        f = new AuthFixture(dir, false).start();
        http = new Http(f.base);
        Accounts a = f.auth.accounts();
        Permissions p = f.auth.permissions();
        for (String u : List.of("alice", "bob", "carol", "dave", "olga", "tom", "cura", "mallory", "trudy")) {
            a.createUser(u, PW.toCharArray(), false);
        }
        a.createOrg("acme");
        a.addOwner("acme", "olga");
        a.createTeam("acme", "devs");
        a.addMember("acme", "devs", "tom");
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "alice", Role.READ));
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "bob", Role.WRITE));
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.TEAM, "acme/devs", Role.WRITE));
        p.grant(new Grant(Grant.TargetKind.REPO, "acme/app", Grant.GranteeKind.PRINCIPAL, "dave", Role.ADMIN));
        p.setVisibility("acme/secret/exists", Visibility.RESTRICTED);
        p.addCurator("acme/secret/exists", Grant.GranteeKind.PRINCIPAL, "cura");
        p.setVisibility("public/exists", Visibility.PUBLIC);
        ServiceAccount.Created sa = a.createServiceAccount("jenkins", "CI", null, false, "admin");
        jenkinsToken = sa.token();
        p.grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "jenkins", Role.WRITE));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @Test
    void challengeNamesTheTokenEndpointAndTheScope() {
        Http.Reply base = http.get("/v2/", null);
        assertThat(base.status()).isEqualTo(401);
        assertThat(base.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"" + f.base + "/auth/token\",service=\"gatehouse\"");
        assertThat(base.json().at("/errors/0/code").asText()).isEqualTo("UNAUTHORIZED");

        Http.Reply m = http.get("/v2/acme/exists/manifests/latest", null);
        assertThat(m.status()).isEqualTo(401);
        assertThat(m.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"" + f.base + "/auth/token\",service=\"gatehouse\",scope=\"repository:acme/exists:pull\"");

        Http.Reply push = http.send("PUT", "/v2/acme/exists/manifests/latest", null, null, "{}");
        assertThat(push.header("WWW-Authenticate")).contains("scope=\"repository:acme/exists:pull,push\"");
    }

    @Test
    void tokenGrantsTheIntersectionAndIsUsable() {
        Http.Reply r = http.token(basic("alice", PW), "repository:acme/exists:pull,push");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        String token = body.get("token").asText();
        assertThat(body.get("access_token").asText()).isEqualTo(token);
        assertThat(body.get("expires_in").asInt()).isEqualTo(300);
        assertThat(body.get("issued_at").asText()).isEqualTo("2026-11-29T06:00:00Z");

        JsonNode claims = Http.claims(token);
        assertThat(claims.get("sub").asText()).isEqualTo("alice");
        assertThat(claims.get("aud").asText()).isEqualTo("gatehouse");
        assertThat(claims.get("iss").asText()).isEqualTo("gatehouse-auth");
        assertThat(claims.get("jti").asText()).isNotEmpty();
        assertThat(claims.get("access").toString()).isEqualTo("[{\"type\":\"repository\",\"name\":\"acme/exists\",\"actions\":[\"pull\"]}]");
        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"alg\":\"ES256\"").contains("\"typ\":\"JWT\"").containsPattern("\"kid\":\"([A-Z2-7]{4}:){11}[A-Z2-7]{4}\"");

        assertThat(http.get("/v2/", bearer(token)).status()).isEqualTo(200);
        assertThat(http.get("/v2/acme/exists/manifests/latest", bearer(token)).status()).isEqualTo(200);
        Http.Reply push = http.send("PUT", "/v2/acme/exists/manifests/latest", bearer(token), null, "{}");
        assertThat(push.status()).isEqualTo(401);
        assertThat(push.header("WWW-Authenticate")).endsWith("scope=\"repository:acme/exists:pull,push\",error=\"insufficient_scope\"");
    }

    @Test
    void severalScopesEachIntersected() {
        String t = http.tokenFor("bob", PW, "repository:acme/exists:pull,push", "repository:other/exists:pull",
                "repository:acme/new-repo:push", "registry:catalog:*");
        assertThat(Http.claims(t).get("access").toString()).isEqualTo(
                "[{\"type\":\"repository\",\"name\":\"acme/exists\",\"actions\":[\"pull\",\"push\"]},"
                        + "{\"type\":\"repository\",\"name\":\"acme/new-repo\",\"actions\":[\"push\"]},"
                        + "{\"type\":\"registry\",\"name\":\"catalog\",\"actions\":[\"*\"]}]");
        // Push to a repository that does not exist yet: allowed with write on its organization.
        assertThat(http.send("PUT", "/v2/acme/new-repo/manifests/1", bearer(http.tokenFor("bob", PW, "repository:acme/new-repo:pull,push")), null, "{}").status())
                .isEqualTo(201);
        // Scopes on the same resource are merged; a team grant counts.
        String tt = http.tokenFor("tom", PW, "repository:acme/x:pull", "repository:acme/x:push");
        assertThat(Http.claims(tt).get("access").toString()).isEqualTo("[{\"type\":\"repository\",\"name\":\"acme/x\",\"actions\":[\"pull\",\"push\"]}]");
    }

    @Test
    void oauth2PostForm() {
        Http.Reply r = http.send("POST", "/auth/token", null, "application/x-www-form-urlencoded",
                "grant_type=password&username=bob&password=" + PW + "&service=gatehouse&client_id=test&scope=repository%3Aacme%2Fexists%3Apull%2Cpush%20repository%3Aother%2Fx%3Apull");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("access_token").asText()).isNotEmpty();
        assertThat(r.json().get("scope").asText()).isEqualTo("repository:acme/exists:pull,push");
        Http.Reply bad = http.send("POST", "/auth/token", null, "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=x");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void anonymousTokenCarriesNothingWhenAnonymousAccessIsOff() {
        Http.Reply r = http.token(null, "repository:public/exists:pull");
        assertThat(r.status()).isEqualTo(200);
        JsonNode c = Http.claims(r.json().get("token").asText());
        assertThat(c.get("sub").asText()).isEmpty();
        assertThat(c.get("access").size()).isZero();
        assertThat(http.get("/v2/public/exists/manifests/latest", null).status()).isEqualTo(401);
        // Any authenticated user may pull a public repository.
        assertThat(http.get("/v2/public/exists/manifests/latest", basic("carol", PW)).status()).isEqualTo(200);
    }

    @Test
    void basicDirectlyOnV2() {
        assertThat(http.get("/v2/", basic("bob", PW)).status()).isEqualTo(200);
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("bob", PW)).status()).isEqualTo(200);
        assertThat(http.send("PUT", "/v2/acme/exists/manifests/1", basic("bob", PW), null, "{}").status()).isEqualTo(201);
        Http.Reply denied = http.send("PUT", "/v2/acme/exists/manifests/1", basic("alice", PW), null, "{}");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().at("/errors/0/code").asText()).isEqualTo("DENIED");
        assertThat(http.send("DELETE", "/v2/acme/app/manifests/1", basic("dave", PW), null, null).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/v2/acme/app/manifests/1", basic("bob", PW), null, null).status()).isEqualTo(403);
    }

    @Test
    void hiddenRepositoryAnswersLikeAMissingOne() {
        // No permission at all: the token grant is empty either way and the answers are identical.
        for (String who : List.of("carol")) {
            String hidden = http.tokenFor(who, PW, "repository:acme/secret/exists:pull");
            String missing = http.tokenFor(who, PW, "repository:acme/secret/nothing:pull");
            assertThat(Http.claims(hidden).get("access")).isEqualTo(Http.claims(missing).get("access"));
            Http.Reply a = http.get("/v2/acme/secret/exists/manifests/1", bearer(hidden));
            Http.Reply b = http.get("/v2/acme/secret/nothing/manifests/1", bearer(missing));
            assertThat(a.status()).isEqualTo(b.status()).isEqualTo(401);
            assertThat(a.body()).isEqualTo(b.body());
            assertThat(a.header("WWW-Authenticate").replace("exists", "nothing")).isEqualTo(b.header("WWW-Authenticate"));
        }
        // Read on the organization: a missing repository is 404, and so is the hidden one.
        String hidden = http.tokenFor("alice", PW, "repository:acme/secret/exists:pull");
        String missing = http.tokenFor("alice", PW, "repository:acme/secret/nothing:pull");
        assertThat(Http.claims(hidden).get("access").get(0).get("actions")).isEqualTo(Http.claims(missing).get("access").get(0).get("actions"));
        Http.Reply a = http.get("/v2/acme/secret/exists/manifests/1", bearer(hidden));
        Http.Reply b = http.get("/v2/acme/secret/nothing/manifests/1", bearer(missing));
        assertThat(a.status()).isEqualTo(b.status()).isEqualTo(404);
        assertThat(a.body()).isEqualTo(b.body());
        // Basic callers too.
        assertThat(http.get("/v2/acme/secret/exists/manifests/1", basic("alice", PW)).body())
                .isEqualTo(http.get("/v2/acme/secret/nothing/manifests/1", basic("alice", PW)).body());
        // Curators, owners and system admins see it.
        assertThat(http.get("/v2/acme/secret/exists/manifests/1", bearer(http.tokenFor("cura", PW, "repository:acme/secret/exists:pull"))).status()).isEqualTo(200);
        assertThat(http.get("/v2/acme/secret/exists/manifests/1", basic("olga", PW)).status()).isEqualTo(200);
        assertThat(http.get("/v2/acme/secret/exists/manifests/1", basic("admin", AuthFixture.ADMIN_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void catalogIsFiltered() {
        assertThat(http.get("/v2/_catalog", null).status()).isEqualTo(401);
        assertThat(http.get("/v2/_catalog", null).header("WWW-Authenticate")).contains("scope=\"registry:catalog:*\"");
        String alice = http.tokenFor("alice", PW, "registry:catalog:*");
        assertThat(http.get("/v2/_catalog", bearer(alice)).json().get("repositories").toString())
                .isEqualTo("[\"acme/app\",\"acme/exists\",\"public/exists\"]");
        assertThat(http.get("/v2/_catalog", basic("cura", PW)).json().get("repositories").toString())
                .isEqualTo("[\"acme/secret/exists\",\"public/exists\"]");
        assertThat(http.get("/v2/_catalog", basic("admin", AuthFixture.ADMIN_PASSWORD)).json().get("repositories")).hasSize(FakeV2.CATALOG.size());
        // A token without the catalog scope does not list.
        String other = http.tokenFor("alice", PW, "repository:acme/exists:pull");
        assertThat(http.get("/v2/_catalog", bearer(other)).status()).isEqualTo(401);
    }

    @Test
    void scopesForRepositoriesThatCannotExist() {
        Http.Reply r = http.token(basic("bob", PW), "repository:NOT_VALID/x:pull", "repository:" + "a".repeat(300) + ":pull", "repository:zzz/x:pull,push");
        assertThat(r.status()).isEqualTo(200);
        assertThat(Http.claims(r.json().get("token").asText()).get("access").size()).isZero();
        assertThat(http.token(basic("bob", PW), "garbage").status()).isEqualTo(400);
        assertThat(http.token(basic("bob", PW), "repository:x").status()).isEqualTo(400);
        assertThat(http.token(basic("bob", PW), "repository:" + "a".repeat(2000) + ":pull").status()).isEqualTo(400);
        // A host:port in the name is allowed by the grammar (and grants nothing here).
        assertThat(http.token(basic("bob", PW), "repository:localhost:5000/acme/x:pull").status()).isEqualTo(200);
    }

    @Test
    void malformedAuthorizationHeaders() {
        String tooLong = "Bearer " + "a".repeat(6_000);
        for (String h : List.of("Bearer", "Bearer ", "Bearer abc", "Bearer a.b.c", "Basic", "Basic !!!notbase64",
                "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes()), "Digest username=x", "Negotiate abc",
                "Basic " + Base64.getEncoder().encodeToString(new byte[]{(byte) 0xff, (byte) 0xfe, ':', 'x'}), tooLong, "   ")) {
            Http.Reply r = http.get("/v2/acme/exists/manifests/1", h);
            assertThat(r.status()).as(h.length() > 40 ? h.substring(0, 40) : h).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=");
        }
        // Beyond Jetty's 8 KiB header limit the server answers 431 itself, and keeps serving.
        assertThat(http.get("/v2/", "Bearer " + "a".repeat(20_000)).status()).isEqualTo(431);
        assertThat(http.get("/v2/", basic("bob", PW)).status()).isEqualTo(200);
    }

    @Test
    void forgedTokensAreRejected() throws Exception {
        String good = http.tokenFor("alice", PW, "repository:acme/exists:pull");
        String[] parts = good.split("\\.");
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();

        // Payload altered to grant push, signature kept.
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("[\"pull\"]", "[\"pull\",\"push\"]");
        String tampered = parts[0] + "." + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertInvalid(tampered, "PUT");

        // alg: none, with and without a signature part.
        String none = enc.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertInvalid(none + "." + parts[1] + ".", "GET");
        assertInvalid(none + "." + parts[1] + "." + parts[2], "GET");

        // Signed by another key that claims our key id.
        String kid = f.auth.tokens().issue(Principal.user("x", false), List.of()).token();
        String ourKid = HttpReplies.JSON.readTree(Base64.getUrlDecoder().decode(kid.split("\\.")[0])).get("kid").asText();
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID(ourKid).generate();
        JWTClaimsSet claims = JWTClaimsSet.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ourKid).build(), claims);
        foreign.sign(new ECDSASigner(other));
        assertInvalid(foreign.serialize(), "GET");

        // A whole other token service (another registry's key and key id).
        TokenService elsewhere = new TokenService(TokenKeys.ephemeral(), "gatehouse-auth", "gatehouse", Duration.ofMinutes(5), f.clock);
        assertInvalid(elsewhere.issue(Principal.user("alice", false), List.of(Scope.repository("acme/exists", "pull"))).token(), "GET");

        // HS256 with our public key as the HMAC secret (the classic algorithm confusion).
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ourKid).build(), claims);
        hs.sign(new MACSigner(f.auth.tokens().issue(Principal.user("x", false), List.of()).token().repeat(2).getBytes(StandardCharsets.UTF_8)));
        assertInvalid(hs.serialize(), "GET");

        // Right key, wrong audience or issuer.
        TokenService wrongAud = new TokenService(keysOf(), "gatehouse-auth", "other-registry", Duration.ofMinutes(5), f.clock);
        assertThat(wrongAud).isNotNull();

        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(good)).status()).isEqualTo(200);
    }

    private static TokenKeys keysOf() {
        return TokenKeys.ephemeral();
    }

    private static void assertInvalid(String token, String method) {
        Http.Reply r = http.send(method, "/v2/acme/exists/manifests/1", bearer(token), null, method.equals("PUT") ? "{}" : null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void expiredTokensAreRejectedEvenWhenCached() {
        AuthFixture.MutableClock clock = f.clock;
        String t = http.tokenFor("alice", PW, "repository:acme/exists:pull");
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(t)).status()).isEqualTo(200);
        synchronized (TokenAuthHttpTest.class) {
            clock.advance(Duration.ofSeconds(301));
            try {
                Http.Reply r = http.get("/v2/acme/exists/manifests/1", bearer(t));
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
            } finally {
                clock.advance(Duration.ofSeconds(-301));
            }
        }
    }

    @Test
    void serviceAccountTokensRevocationAndExpiry() {
        String t = http.tokenFor("jenkins", jenkinsToken, "repository:acme/exists:pull,push");
        assertThat(Http.claims(t).get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\",\"push\"]");
        assertThat(http.send("PUT", "/v2/acme/exists/manifests/1", bearer(t), null, "{}").status()).isEqualTo(201);
        assertThat(http.send("PUT", "/v2/acme/exists/manifests/1", basic("jenkins", jenkinsToken), null, "{}").status()).isEqualTo(201);
        // The token belongs to its account: another name with it does not log in.
        assertThat(http.token(basic("bob", jenkinsToken)).status()).isEqualTo(401);

        ServiceAccount.Created tmp = f.auth.accounts().createServiceAccount("nightly", "", null, false, "admin");
        f.auth.permissions().grant(new Grant(Grant.TargetKind.ORG, "acme", Grant.GranteeKind.PRINCIPAL, "nightly", Role.READ));
        String jwt = http.tokenFor("nightly", tmp.token(), "repository:acme/exists:pull");
        assertThat(http.get("/v2/acme/exists/manifests/1", bearer(jwt)).status()).isEqualTo(200);
        f.auth.accounts().revokeServiceAccount("nightly");
        assertThat(http.token(basic("nightly", tmp.token())).status()).isEqualTo(401);
        assertThat(http.get("/v2/acme/exists/manifests/1", basic("nightly", tmp.token())).status()).isEqualTo(401);
        Http.Reply revoked = http.get("/v2/acme/exists/manifests/1", bearer(jwt));
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.header("WWW-Authenticate")).contains("invalid_token");

        ServiceAccount.Created shortLived = f.auth.accounts().createServiceAccount("shortlived", "", f.clock.instant().plus(Duration.ofDays(1)), false, "admin");
        assertThat(http.token(basic("shortlived", shortLived.token())).status()).isEqualTo(200);
        synchronized (TokenAuthHttpTest.class) {
            f.clock.advance(Duration.ofDays(2));
            try {
                assertThat(http.token(basic("shortlived", shortLived.token())).status()).isEqualTo(401);
            } finally {
                f.clock.advance(Duration.ofDays(-2));
            }
        }
    }

    @Test
    void failedLoginsAreThrottledPerAccountAndAudited() {
        for (int i = 0; i < 5; i++) {
            assertThat(http.token(basic("mallory", "wrong-" + i)).status()).isEqualTo(401);
        }
        Http.Reply blocked = http.token(basic("mallory", PW));
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.json().at("/errors/0/code").asText()).isEqualTo("TOOMANYREQUESTS");
        assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 300L);
        assertThat(http.get("/v2/", basic("mallory", PW)).status()).isEqualTo(429);
        // Another account from the same address is not blocked yet.
        assertThat(http.token(basic("trudy", PW)).status()).isEqualTo(200);

        List<AuditEvent> failed = f.auth.auditLog().query(new AuditQuery("mallory", AuditEvent.LOGIN_FAILED, null, null, null, 100, 0));
        assertThat(failed).hasSize(5);
        assertThat(failed.get(0).sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(failed.get(0).outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
        assertThat(f.auth.auditLog().query(new AuditQuery("trudy", AuditEvent.LOGIN, null, null, null, 10, 0))).isNotEmpty();
        assertThat(failed).allSatisfy(e -> assertThat(e.detail()).doesNotContain("wrong-"));
    }

    @Test
    void veryLongUserNames() {
        String huge = "u".repeat(5_000);
        Http.Reply r = http.token(basic(huge, "whatever"));
        assertThat(r.status()).isEqualTo(401);
        Http.Reply direct = http.get("/v2/acme/exists/manifests/1", basic("x".repeat(4000) + "\u0000\n", "pw"));
        assertThat(direct.status()).isEqualTo(401);
        List<AuditEvent> ev = f.auth.auditLog().query(new AuditQuery(null, AuditEvent.LOGIN_FAILED, null, null, null, 100, 0));
        assertThat(ev).allSatisfy(e -> assertThat(e.actor().length()).isLessThanOrEqualTo(65));
    }

    @Test
    void methodsOtherThanGetAndPostOnTheTokenEndpoint() {
        assertThat(http.send("DELETE", "/auth/token", null, null, null).status()).isEqualTo(405);
    }

    @Test
    void tokenAlgorithmAndClaimsMatchTheSpecExample() throws Exception {
        String t = http.tokenFor("alice", PW, "repository:acme/exists:pull");
        SignedJWT jwt = SignedJWT.parse(t);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getExpirationTime()).isAfter(c.getIssueTime());
        assertThat(c.getNotBeforeTime()).isEqualTo(c.getIssueTime());
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000L);
        assertThat(c.getIssueTime()).isEqualTo(Date.from(f.clock.instant()));
        assertThat((List<?>) c.getClaim("access")).hasSize(1);
        assertThat(((Map<?, ?>) ((List<?>) c.getClaim("access")).get(0)).get("type")).isEqualTo("repository");
    }
}
