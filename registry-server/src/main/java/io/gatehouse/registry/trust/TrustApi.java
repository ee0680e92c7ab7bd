package io.gatehouse.registry.trust;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.policy.PolicyError;
import io.gatehouse.core.policy.PolicyValidationException;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;
import io.gatehouse.core.sign.KeyFormatException;
import io.gatehouse.core.sign.VerificationResult;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.auth.Scope;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust part of the management API ({@code /api/v1}): trusted keys, signature status, policies, promotions,
 * automatic promotion and repository gates. Authorization is the router's: each route declares its scope.
 */
public final class TrustApi {
    private final Trust trust;
    private final io.gatehouse.registry.audit.AuditLog audit;

    private TrustApi(Trust trust, io.gatehouse.registry.audit.AuditLog audit) {
        this.trust = trust;
        this.audit = audit;
    }

    /** @param audit where promotions are recorded, or null */
    public static void register(ApiRouter router, Trust trust, io.gatehouse.registry.audit.AuditLog audit) {
        new TrustApi(trust, audit).routes(router);
    }

    private void routes(ApiRouter r) {
        // trusted keys, per scope
        r.add("GET", "/keys/global", Scope.systemAdmin(), c -> ApiResult.ok(keys(TrustedKeys.globalScope())), "List globally trusted signing keys");
        r.add("POST", "/keys/global", Scope.systemAdmin(), c -> addKey(TrustedKeys.globalScope(), c.json(), c.principal().name()), "Trust a public key for every repository");
        r.add("DELETE", "/keys/global/{keyId}", Scope.systemAdmin(), c -> removeKey(TrustedKeys.globalScope(), c.path("keyId")), "Stop trusting a global key");
        r.add("GET", "/orgs/{org}/keys", p -> Scope.org(p.get("org"), "read"), c -> ApiResult.ok(keys(TrustedKeys.orgScope(c.path("org")))), "List an organization's trusted keys");
        r.add("POST", "/orgs/{org}/keys", p -> Scope.org(p.get("org"), "admin"), c -> addKey(TrustedKeys.orgScope(c.path("org")), c.json(), c.principal().name()), "Trust a key for an organization");
        r.add("DELETE", "/orgs/{org}/keys/{keyId}", p -> Scope.org(p.get("org"), "admin"), c -> removeKey(TrustedKeys.orgScope(c.path("org")), c.path("keyId")), "Stop trusting an organization key");
        r.add("GET", "/repositories/{repo*}/keys", p -> Scope.repository(p.get("repo"), Scope.PULL), c -> ApiResult.ok(keys(TrustedKeys.repoScope(c.path("repo")))), "List a repository's own trusted keys");
        r.add("POST", "/repositories/{repo*}/keys", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> addKey(TrustedKeys.repoScope(c.path("repo")), c.json(), c.principal().name()), "Trust a key for a repository");
        r.add("DELETE", "/repositories/{repo*}/keys/{keyId}", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> removeKey(TrustedKeys.repoScope(c.path("repo")), c.path("keyId")), "Stop trusting a repository key");

        // signatures of an image
        r.add("GET", "/repositories/{repo*}/signatures/{digest}", p -> Scope.repository(p.get("repo"), Scope.PULL),
                c -> ApiResult.ok(signatures(trust.signatures().verify(c.path("repo"), digest(c.path("digest"))))), "Valid and rejected signatures of an image");

        // policies
        r.add("GET", "/policies", Scope.self(), c -> ApiResult.ok(Map.of("policies", trust.policies().names())), "List policy names");
        r.add("POST", "/policies", Scope.systemAdmin(), c -> savePolicy(c.json().toString(), c.principal().name()), "Save a policy document (a new version)");
        r.add("GET", "/policies/{name}", Scope.self(), c -> ApiResult.ok(policy(trust.policies().latest(c.path("name"))
                .orElseThrow(() -> ApiException.notFound("no policy named " + c.path("name"))))), "The latest version of a policy");
        r.add("GET", "/policies/{name}/versions/{version}", Scope.self(), c -> ApiResult.ok(policy(trust.policies().version(c.path("name"), version(c.path("version")))
                .orElseThrow(() -> ApiException.notFound("no such policy version")))), "One version of a policy");

        // promotion (write on the source: promotion moves its content on, by the policy an admin wrote)
        r.add("POST", "/repositories/{repo*}/promotions", p -> Scope.repository(p.get("repo"), Scope.PULL, Scope.PUSH), c -> promote(c.path("repo"), c.json(), c.principal(), c.remoteAddress()), "Promote an image by a policy");
        r.add("GET", "/repositories/{repo*}/auto-promotions", p -> Scope.repository(p.get("repo"), Scope.PULL), c -> ApiResult.ok(Map.of("policies", trust.policies().autoPromotions(c.path("repo")))), "Policies promoting this repository automatically");
        r.add("POST", "/repositories/{repo*}/auto-promotions", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> {
            trust.policies().attachAutoPromotion(c.path("repo"), text(c.json(), "policy"), c.principal().name());
            return ApiResult.created(Map.of("policies", trust.policies().autoPromotions(c.path("repo"))));
        }, "Promote this repository's images automatically by a policy");

        // gates
        r.add("GET", "/repositories/{repo*}/gates", p -> Scope.repository(p.get("repo"), Scope.PULL), c -> ApiResult.ok(gates(trust.gates().get(c.path("repo")))), "A repository's gates");
        r.add("PUT", "/repositories/{repo*}/gates", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> setGates(c.path("repo"), c.json(), c.principal().name()), "Set a repository's gates");
    }

    private List<Map<String, Object>> keys(String scope) {
        return trust.keys().list(scope).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("keyId", e.keyId());
            m.put("name", e.name());
            m.put("scope", e.scope());
            m.put("publicKey", e.publicKeyPem());
            m.put("createdBy", e.createdBy());
            return m;
        }).toList();
    }

    private ApiResult addKey(String scope, JsonNode body, String actor) {
        try {
            var e = trust.keys().add(scope, text(body, "name"), text(body, "publicKey"), actor);
            return ApiResult.created(Map.of("keyId", e.keyId(), "name", e.name(), "scope", e.scope()));
        } catch (KeyFormatException e) {
            throw ApiException.badRequest("unsupported key: " + e.getMessage());
        }
    }

    private ApiResult removeKey(String scope, String keyId) {
        if (!trust.keys().remove(scope, keyId)) throw ApiException.notFound("key " + keyId + " is not trusted in " + scope);
        return ApiResult.noContent();
    }

    private static Map<String, Object> signatures(VerificationResult r) {
        return Map.of("signed", r.isSigned(), "keyIds", List.copyOf(r.keyIds()),
                "valid", r.valid().stream().map(v -> Map.of("keyId", v.keyId(), "dockerReference", v.dockerReference())).toList(),
                "rejected", r.rejected().stream().map(x -> Map.of("payload", x.payloadDigest(), "reason", x.reason())).toList());
    }

    private ApiResult savePolicy(String document, String actor) {
        try {
            var p = trust.policies().save(document, actor);
            return ApiResult.created(Map.of("name", p.name(), "version", p.version()));
        } catch (PolicyValidationException e) {
            return new ApiResult(400, Map.of("errors", List.of(Map.of("code", "POLICY_INVALID", "message", e.getMessage(),
                    "detail", e.errors().stream().map(PolicyError::toString).toList()))), Map.of());
        }
    }

    private static Map<String, Object> policy(PolicyStore.StoredPolicy p) {
        return Map.of("name", p.name(), "version", p.version(), "createdBy", p.createdBy(), "createdAt", p.createdAt(),
                "document", p.policy());
    }

    private ApiResult promote(String repo, JsonNode body, io.gatehouse.registry.auth.Principal actor, String address) {
        String reference = text(body, "reference");
        var stored = trust.policies().latest(text(body, "policy")).orElseThrow(() -> ApiException.notFound("no policy named " + body.path("policy").asText()));
        if (stored.policy().promotion() == null) throw ApiException.badRequest("policy " + stored.name() + " has no promotion section");
        if (trust.promoterContent().getManifest(repo, reference).isEmpty()) throw ApiException.notFound("no image " + repo + ":" + reference);
        Promoter.Result r = trust.promoter().promote(repo, reference, stored.policy(), actor);
        if (audit != null) Trust.auditPromotion(audit, actor, address, r);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("promoted", r.promoted());
        out.put("policy", stored.name());
        out.put("policyVersion", stored.version());
        out.put("sourceDigest", r.digest().toString());
        out.put("targetRepository", r.targetRepository());
        if (r.targetTag() != null) out.put("targetTag", r.targetTag());
        if (r.signedBy() != null) out.put("signedBy", r.signedBy());
        if (r.provenance() != null) out.put("provenance", r.provenance().toString());
        out.put("verdict", r.verdict());
        out.put("explanation", r.verdict().explain());
        // a refused promotion is an answer, not an error: 200 with promoted=false and the reasons; 201 when done
        return new ApiResult(r.promoted() ? 201 : 200, out, Map.of());
    }

    private static Map<String, Object> gates(RepositoryGates.Settings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protected", s.protectedRepository());
        m.put("immutableTags", s.immutableTags());
        m.put("pullPolicy", s.pullPolicy() == null ? null : s.pullPolicy().name());
        return m;
    }

    private ApiResult setGates(String repo, JsonNode body, String actor) {
        var pull = body.path("pullPolicy");
        var policy = pull.isTextual() ? trust.policies().latest(pull.asText()).orElseThrow(() -> ApiException.notFound("no policy named " + pull.asText())).policy() : null;
        var settings = new RepositoryGates.Settings(body.path("protected").asBoolean(false), body.path("immutableTags").asBoolean(false), policy);
        trust.gates().set(repo, settings, actor);
        return ApiResult.ok(gates(settings));
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (!n.isTextual() || n.asText().isBlank()) throw ApiException.badRequest("field '" + field + "' (a string) is required");
        return n.asText();
    }

    private static Digest digest(String s) {
        try {
            return Digest.parse(s);
        } catch (InvalidDigestException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("version must be an integer");
        }
    }
}
