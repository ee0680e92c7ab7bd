package io.gatehouse.jenkins.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.RegistrySignatureStore;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.sign.SignatureArtifacts;
import java.util.Map;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.policy.ConditionResult;
import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyDocuments;
import io.gatehouse.core.policy.PolicyEvaluator;
import io.gatehouse.core.policy.PolicyInput;
import io.gatehouse.core.policy.ScanFacts;
import io.gatehouse.core.policy.Verdict;
import io.gatehouse.core.report.ScanReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The real {@link GatehouseService}: talks to our registry over HTTP.
 *
 * <p>/v2 for digests, signing (core.sign) and scan-report referrers; the management API (/api/v1, through
 * {@link ManagementApi}) for server-side mirrors, on-demand scans, trusted signers, policies and promotions.
 * Basic or bearer-token auth sent directly, never logged.
 */
public final class RegistryGatehouseService implements GatehouseService {
    static final String ACCEPT = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    static final int WORST = 10;
    static final Duration POLL = Duration.ofSeconds(2);
    private static final ObjectMapper REPORT_JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ConnectionSettings settings;
    private final RegistryAuth auth;
    private final OkHttpClient http;

    public RegistryGatehouseService(ConnectionSettings settings, RegistryAuth auth) {
        this.settings = settings;
        this.auth = auth == null ? RegistryAuth.ANONYMOUS : auth;
        this.http = HttpClients.build(settings);
    }

    /** host[:port] of the registry, as image references name it. */
    public String registryHost() {
        return settings.registryHost();
    }

    /** GET /v2/: 200 (open) or 401 with a WWW-Authenticate challenge both prove an OCI registry answers. */
    public Check testConnection() {
        Request req = authorize(new Request.Builder().url(settings.registryUrl().resolve("/v2/").toString())).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 200) {
                return Check.ok("Connected: " + settings.registryHost() + " speaks the OCI Distribution API");
            }
            if (rsp.code() == 401) {
                return auth.isAnonymous()
                        ? Check.warning("The registry answers but needs credentials: choose a service-account credential")
                        : Check.error("The registry rejected the credentials (401)");
            }
            return Check.error("Unexpected HTTP " + rsp.code() + " from " + settings.registryUrl().resolve("/v2/"));
        } catch (IOException e) {
            return Check.error("Cannot reach " + settings.registryUrl() + ": " + e.getMessage());
        }
    }

    /**
     * For the snippet generator, when the user leaves an image field: does the registry hold it? OK with its digest,
     * a warning when it is not there (yet: a mirror may bring it later) or cannot be checked, an error only for an
     * image named in another registry. Never throws; messages carry no secret.
     */
    public Check probeImage(ImageArgument image) {
        if (image.registry() != null && !image.registry().equals(settings.registryHost())) {
            return Check.error(image + " is not in the configured registry " + settings.registryHost());
        }
        try {
            return Check.ok("Found in " + settings.registryHost() + ": " + resolveDigest(image));
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("not found")
                    ? Check.warning(image.repository() + ":" + image.reference() + " is not in " + settings.registryHost() + " (yet)")
                    : Check.warning("Could not check the image in the registry: " + e.getMessage());
        }
    }

    /**
     * For promoteImage's form: is the policy published in the registry, and does it promote to {@code target}?
     * OK naming its version and target; a warning when it is not published or promotes elsewhere (the build would fail).
     */
    public Check probePolicy(String name, String target) {
        try {
            ManagementApi.Reply stored = api().get("/policies/" + segment(name));
            if (stored.status() == 404) {
                return Check.warning("Policy '" + name + "' is not published in " + settings.registryHost()
                        + ": publish it (Gatehouse configuration) before promoting with it");
            }
            if (!stored.ok()) {
                return Check.warning("Could not read policy '" + name + "' from the registry: " + refusal(stored));
            }
            String policyTarget = stored.body().path("document").path("promotion").path("targetRepository").asText(null);
            int version = stored.body().path("version").asInt();
            if (policyTarget == null) {
                return Check.warning("Policy '" + name + "' (version " + version + ") has no promotion section: it cannot promote");
            }
            if (target != null && !target.isBlank() && !policyTarget.equals(target.trim())) {
                return Check.warning("Policy '" + name + "' (version " + version + ") promotes to " + policyTarget + ", not to " + target.trim());
            }
            return Check.ok("Published as version " + version + "; promotes to " + policyTarget);
        } catch (IOException e) {
            return Check.warning("Could not check the policy in the registry: " + e.getMessage());
        }
    }

    /** Resolves a tag to the digest of the manifest (or index) it points at; a digest argument is checked to exist. */
    public String resolveDigest(ImageArgument image) throws IOException {
        String url = settings.registryUrl().resolve("/v2/" + image.repository() + "/manifests/" + image.reference()).toString();
        Request req = authorize(new Request.Builder().url(url).head().header("Accept", ACCEPT)).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 404) {
                throw new IOException("image " + image + " not found in " + settings.registryHost());
            }
            if (!rsp.isSuccessful()) {
                throw new IOException("HTTP " + rsp.code() + " resolving " + image);
            }
            String digest = rsp.header("Docker-Content-Digest");
            if (digest == null) {
                if (image.digest() != null) {
                    return image.digest().toString();
                }
                throw new IOException("the registry did not return Docker-Content-Digest for " + image);
            }
            return digest;
        }
    }

    /**
     * Server-side mirroring: {@code POST /api/v1/mirrors/{target}} runs core's mirror engine inside the registry, so
     * image data flows from the upstream straight into the registry, not through Jenkins. The upstream credential
     * travels in that request body only (the registry neither stores nor echoes it); the answer is the mirror report
     * (one row per tag), when the run is done.
     */
    @Override
    public MirrorOutcome mirror(MirrorRequest request) throws IOException, InterruptedException {
        var body = io.gatehouse.core.copy.ServerSideMirror.body(request.source(), request.tags(), null, null, request.platforms(),
                request.dryRun(), null);
        RegistryAuth upstream = request.upstreamAuth();
        if (upstream != null && !upstream.isAnonymous()) {
            if (upstream.username() == null) {
                throw new IOException("mirroring needs a username/password credential for the upstream (a secret text has no user name)");
            }
            body.putObject("credentials").put("username", upstream.username()).put("password", new String(upstream.secret()));
        }
        ManagementApi.Reply r = api().postAndWait(
                io.gatehouse.core.copy.ServerSideMirror.path(io.gatehouse.core.reference.RepositoryName.of(request.target()).value()), body);
        if (r.status() == 404) {
            // no such route (a registry without server-side mirroring) or no such target: say both, and the way out
            throw new IOException("the registry at " + settings.registryHost() + " has no server-side mirroring into " + request.target()
                    + " (" + r.errors() + "): use onAgent: true, or a registry with /api/v1/mirrors");
        }
        if (!r.ok()) {
            // a run already under way into the target: two builds of one scheduled job overlapping is the usual cause
            String wayOut = r.status() == 409 && r.errors().contains("MIRROR_RUNNING")
                    ? " (when it is another build of this job, give the job disableConcurrentBuilds())" : "";
            throw new IOException("mirror " + request.source() + " → " + request.target() + " failed: " + refusal(r) + wayOut);
        }
        io.gatehouse.core.copy.MirrorReport report;
        try {
            report = io.gatehouse.core.copy.ServerSideMirror.report(r.body(), settings.registryHost());
        } catch (io.gatehouse.core.remote.RegistryException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<MirrorOutcome.Row> rows = new ArrayList<>();
        for (io.gatehouse.core.copy.MirrorReport.TagResult t : report.tags()) {
            String action = switch (t.status()) {
                case COPIED -> "copied";
                case UNCHANGED -> "skipped";
                case WOULD_COPY -> "planned";
                case FAILED -> "failed";
            };
            String reason = switch (t.status()) {
                case UNCHANGED -> "up to date";
                case WOULD_COPY -> t.action() == null ? null : t.action().name().toLowerCase(java.util.Locale.ROOT);
                case COPIED -> io.gatehouse.core.copy.MirrorReport.humanBytes(t.bytes());
                case FAILED -> t.reason() != null ? t.reason() : t.status().name();
            };
            Digest digest = t.sourceDigest() != null ? t.sourceDigest() : t.targetDigest();
            rows.add(new MirrorOutcome.Row(t.tag(), settings.registryHost() + "/" + request.target() + ":" + t.tag(),
                    digest == null ? null : digest.toString(), action, reason));
        }
        if (report.stoppedReason() != null) {
            rows.add(new MirrorOutcome.Row("-", null, null, "stopped", report.stoppedReason()));
        }
        return new MirrorOutcome(rows);
    }

    /**
     * Asks the registry to scan the image ({@link #scanOnDemand}); a registry without that route scans what is pushed
     * and stores each report as an OCI artifact referring to the image (artifactType {@link ScanReport#MEDIA_TYPE},
     * report JSON as its first layer), and we read the newest one through the referrers API, waiting for it up to
     * {@code wait}. A named policy is evaluated here with core.policy.
     */
    @Override
    public ScanSummary scan(ImageArgument image, String policy, String policyDocument, Duration wait) throws IOException, InterruptedException {
        requireConfiguredRegistry(image);
        Policy parsedPolicy;
        try {
            parsedPolicy = policyDocument == null ? null : PolicyDocuments.parse(policyDocument);
        } catch (io.gatehouse.core.policy.PolicyValidationException e) {
            // saved before validation on save existed, or set through Configuration as Code
            throw new IOException("policy '" + policy + "' in the Gatehouse configuration is not valid: " + e.getMessage());
        }
        if (policy != null && parsedPolicy == null) {
            throw new IOException("policy '" + policy + "' is not defined in the Gatehouse global configuration");
        }
        String digest = resolveDigest(image);
        long deadline = System.nanoTime() + wait.toNanos();
        ScanReport report = scanOnDemand(image.repository(), digest, deadline, wait);
        while (report == null && (report = latestReport(image.repository(), digest)) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no scan report for " + image.repository() + "@" + digest + " after " + wait
                        + ": is scanning enabled in the registry?");
            }
            Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), POLL.toMillis())));
        }
        PolicyVerdict verdict = null;
        if (parsedPolicy != null) {
            Verdict v = new PolicyEvaluator(Clock.systemUTC()).evaluate(parsedPolicy,
                    new PolicyInput(image.repository(), image.tag(), Digest.parse(digest), ScanFacts.of(report),
                            parsedPolicy.conditions().signatures() == null ? Set.of() : trustedSigners(image.repository(), digest)));
            List<PolicyVerdict.Condition> conditions = new ArrayList<>();
            for (ConditionResult c : v.conditions()) {
                conditions.add(new PolicyVerdict.Condition(c.name(), c.passed(), PolicyVerdict.describe(c.expected(), c.actual(), c.reason())));
            }
            verdict = new PolicyVerdict(policy, v.passed(), conditions);
        }
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        List<Finding> all = new ArrayList<>();
        for (io.gatehouse.core.report.Finding f : report.findings()) {
            Severity s = Severity.valueOf(f.severity().name());
            counts.merge(s, 1, Integer::sum);
            all.add(new Finding(f.vulnerabilityId(), s, f.packageName(), f.installedVersion(), f.fixedVersion()));
        }
        // most severe first (a stable sort keeps the report's order within a severity)
        all.sort(java.util.Comparator.comparing(Finding::severity).reversed());
        List<Finding> worst = all.stream().limit(WORST).toList();
        List<Finding> fixable = all.stream().filter(f -> f.fixedVersion() != null && !f.fixedVersion().isBlank()).limit(WORST).toList();
        return new ScanSummary(image.toString(), digest, counts, worst, fixable, verdict, REPORT_JSON.writeValueAsString(report));
    }

    /**
     * The ids of the trusted keys with a valid signature on the image, as the registry judges them
     * ({@code GET /api/v1/repositories/{repo}/signatures/{digest}}: it knows which keys are trusted for the repository).
     * Asked only when a policy has signature conditions; a registry that cannot answer is a failure, not "unsigned",
     * so a build never fails (or passes) a signature condition on a guess.
     */
    Set<String> trustedSigners(String repository, String digest) throws IOException {
        ManagementApi.Reply r = api().get("/repositories/" + repository + "/signatures/" + digest);
        if (!r.ok()) {
            throw new IOException("cannot read the signatures of " + repository + "@" + digest + " for the policy's signature conditions: "
                    + refusal(r));
        }
        Set<String> keyIds = new java.util.TreeSet<>();
        r.body().path("keyIds").forEach(k -> keyIds.add(k.asText()));
        return keyIds;
    }

    /**
     * Asks the registry to scan ({@code POST /api/v1/repositories/{repo}/scans/{digest}}: it reuses a report made with
     * the current vulnerability database), polls the status until {@code done} or {@code failed}, then reads the
     * report ({@code …/scans/{digest}/report}). Null when the registry has no scan API (404 or 405 on that route),
     * in which case the caller waits for the report referrer the registry writes on push.
     */
    ScanReport scanOnDemand(String repository, String digest, long deadline, Duration wait) throws IOException, InterruptedException {
        ManagementApi api = api();
        String path = "/repositories/" + repository + "/scans/" + digest;
        ManagementApi.Reply r = api.post(path, ManagementApi.JSON.createObjectNode());
        if (r.status() == 404 || r.status() == 405) {
            // no scan route (the image exists: resolveDigest found it): a registry without the scan API
            return null;
        }
        while (true) {
            if (!r.ok()) {
                throw new IOException("the registry did not scan " + repository + "@" + digest + ": " + refusal(r));
            }
            String state = r.body().path("state").asText();
            if (state.equals("done")) {
                break;
            }
            if (state.equals("failed")) {
                throw new IOException("the registry's scan of " + repository + "@" + digest + " failed: " + r.body().path("reason").asText("no reason given"));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no scan report for " + repository + "@" + digest + " after " + wait + " (the registry's scan is " + state + ")");
            }
            Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), POLL.toMillis())));
            r = api.get(path);
        }
        ManagementApi.Reply report = api.get(path + "/report");
        if (!report.ok()) {
            throw new IOException("cannot read the scan report of " + repository + "@" + digest + ": " + refusal(report));
        }
        return REPORT_JSON.treeToValue(report.body(), ScanReport.class);
    }

    /** The newest report (by finishedAt) among the image's scan-report referrers, or null. */
    ScanReport latestReport(String repository, String digest) throws IOException {
        String url = settings.registryUrl().resolve("/v2/" + repository + "/referrers/" + digest).toString()
                + "?artifactType=" + java.net.URLEncoder.encode(ScanReport.MEDIA_TYPE, StandardCharsets.UTF_8);
        JsonNode index;
        try (Response rsp = http.newCall(authorize(new Request.Builder().url(url)
                .header("Accept", "application/vnd.oci.image.index.v1+json")).build()).execute()) {
            if (rsp.code() == 404) {
                return null;
            }
            if (!rsp.isSuccessful()) {
                throw new IOException("HTTP " + rsp.code() + " listing the referrers of " + repository + "@" + digest);
            }
            index = REPORT_JSON.readTree(rsp.body().byteStream());
        }
        io.gatehouse.core.sign.SignatureStore store = signatureStore();
        ScanReport newest = null;
        for (JsonNode m : index.path("manifests")) {
            if (!ScanReport.MEDIA_TYPE.equals(m.path("artifactType").asText())) {
                continue; // a registry may ignore the filter (no OCI-Filters-Applied): filter again
            }
            var manifest = store.getManifest(repository, m.path("digest").asText());
            if (manifest.isEmpty()) {
                continue;
            }
            JsonNode layer = REPORT_JSON.readTree(manifest.get().content()).path("layers").path(0);
            if (layer.path("size").asLong(Long.MAX_VALUE) > RegistrySignatureStore.MAX_BLOB_BYTES * 16L) {
                continue;
            }
            byte[] blob = store.getBlob(repository, Digest.parse(layer.path("digest").asText()));
            if (blob == null) {
                continue;
            }
            ScanReport r = REPORT_JSON.readValue(blob, ScanReport.class);
            if (newest == null || r.finishedAtInstant().isAfter(newest.finishedAtInstant())) {
                newest = r;
            }
        }
        return newest;
    }

    /**
     * {@code POST /api/v1/repositories/{source}/promotions} with {@code {reference, policy}}: the registry evaluates the
     * policy (with the scan report and signatures it holds) and, when it holds, copies the image by digest into the
     * policy's target repository, signs it and attaches provenance. The target comes from the policy's promotion
     * section, so we first read the policy ({@code GET /api/v1/policies/{name}}) and refuse when it would promote
     * somewhere else than the pipeline says: a Jenkinsfile must not promote to a place its author did not name.
     */
    @Override
    public PromotionOutcome promote(ImageArgument image, String targetRepository, String policy) throws IOException {
        requireConfiguredRegistry(image);
        if (policy == null) {
            throw new IOException("a policy is required: the registry promotes by a named policy whose promotion section names the target");
        }
        ManagementApi api = api();
        ManagementApi.Reply stored = api.get("/policies/" + segment(policy));
        if (stored.status() == 404) {
            throw new IOException("policy '" + policy + "' is not published in the registry " + settings.registryHost()
                    + ": tick \"Publish the named policies\" in the Gatehouse configuration, or ask a registry administrator");
        }
        if (!stored.ok()) {
            throw new IOException("cannot read policy '" + policy + "' from " + settings.registryHost() + ": " + refusal(stored));
        }
        String policyTarget = stored.body().path("document").path("promotion").path("targetRepository").asText(null);
        if (policyTarget == null) {
            throw new IOException("policy '" + policy + "' has no promotion section (targetRepository): it can gate pulls, not promote");
        }
        if (targetRepository != null && !policyTarget.equals(targetRepository)) {
            throw new IOException("policy '" + policy + "' (version " + stored.body().path("version").asInt() + ") promotes to "
                    + policyTarget + ", not to " + targetRepository + ": name that target, or use a policy that promotes to it");
        }
        var body = ManagementApi.JSON.createObjectNode().put("reference", image.reference()).put("policy", policy);
        ManagementApi.Reply r = api.post("/repositories/" + image.repository() + "/promotions", body);
        if (!r.ok()) {
            throw new IOException("the registry did not promote " + image + ": " + refusal(r));
        }
        JsonNode v = r.body().path("verdict");
        List<PolicyVerdict.Condition> conditions = new ArrayList<>();
        for (JsonNode c : v.path("conditions")) {
            conditions.add(new PolicyVerdict.Condition(c.path("name").asText(), c.path("passed").asBoolean(), condition(c)));
        }
        boolean promoted = r.body().path("promoted").asBoolean(false);
        PolicyVerdict verdict = new PolicyVerdict(r.body().path("policy").asText(policy), promoted && v.path("passed").asBoolean(true), conditions);
        if (!promoted) {
            return new PromotionOutcome(verdict, null);
        }
        String reference = settings.registryHost() + "/" + r.body().path("targetRepository").asText(policyTarget)
                + ":" + r.body().path("targetTag").asText() + "@" + r.body().path("sourceDigest").asText();
        return new PromotionOutcome(verdict, reference, r.body().path("signedBy").asText(null), r.body().path("provenance").asText(null));
    }

    /**
     * Publishes a policy document ({@code POST /api/v1/policies}, which needs a registry system administrator), unless the
     * registry's latest version of that name already says the same (compared after parsing, so formatting does not
     * make a new version on every build).
     */
    @Override
    public PolicyPublication publishPolicy(String document) throws IOException {
        Policy local;
        try {
            local = PolicyDocuments.parse(document);
        } catch (io.gatehouse.core.policy.PolicyValidationException e) {
            throw new IOException("the policy is not valid: " + e.getMessage());
        }
        ManagementApi api = api();
        ManagementApi.Reply latest = api.get("/policies/" + segment(local.name()));
        if (latest.ok()) {
            try {
                Policy remote = PolicyDocuments.parse(latest.body().path("document").toString());
                if (PolicyDocuments.toJson(remote).equals(PolicyDocuments.toJson(local))) {
                    return new PolicyPublication(local.name(), latest.body().path("version").asInt(), false);
                }
            } catch (RuntimeException differentLanguageVersion) {
                // the registry's copy does not parse here (newer language?): publishing ours makes a new version, as asked
            }
        } else if (latest.status() != 404) {
            throw new IOException("cannot read policy '" + local.name() + "' from " + settings.registryHost() + ": " + refusal(latest));
        }
        ManagementApi.Reply saved = api.post("/policies", ManagementApi.JSON.readTree(document));
        if (saved.status() == 403) {
            throw new IOException("publishing policy '" + local.name() + "' needs a registry system administrator: " + refusal(saved));
        }
        if (!saved.ok()) {
            throw new IOException("the registry refused policy '" + local.name() + "': " + refusal(saved));
        }
        return new PolicyPublication(saved.body().path("name").asText(local.name()), saved.body().path("version").asInt(), true);
    }

    /** "expected 0, actual 2 — CVE-…" as one line for the build log. */
    private static String condition(JsonNode c) {
        return PolicyVerdict.describe(c.path("expected").asText(null), c.path("actual").asText(null), c.path("reason").asText(""));
    }

    /** The registry's error, with a hint when it is about who Jenkins is. */
    private String refusal(ManagementApi.Reply r) {
        String errors = r.errors();
        if (r.status() == 401) {
            return errors + " (set a service-account credential in the Gatehouse configuration)";
        }
        if (r.status() == 403) {
            return errors + " (the service account " + (auth.username() == null ? "" : "'" + auth.username() + "' ") + "lacks the permission)";
        }
        return errors;
    }

    private ManagementApi api() {
        return new ManagementApi(http, settings.registryUrl(), this::authorize);
    }

    /** One URL path segment, percent-encoded as OkHttp does it. */
    static String segment(String s) {
        return new okhttp3.HttpUrl.Builder().scheme("http").host("x").addPathSegment(s).build().encodedPath().substring(1);
    }

    /**
     * Resolves the tag to a digest, then signs that digest with core.sign (cosign format: a simple-signing payload
     * in the image's {@code sha256-<hex>.sig} manifest, with the image as its OCI subject), over /v2.
     * The identity signed is {@code host/repo:tag} (or {@code host/repo} for a digest argument), which cosign,
     * skopeo/podman and our verifier accept.
     */
    @Override
    public SignatureOutcome sign(ImageArgument image, SigningKey key) throws IOException {
        requireConfiguredRegistry(image);
        String digest = resolveDigest(image);
        io.gatehouse.core.sign.SigningKey signingKey;
        try {
            signingKey = Keys.readPrivateKey(new String(key.keyBytes(), StandardCharsets.US_ASCII), key.passphrase());
        } catch (RuntimeException e) {
            // KeyFormatException and friends: say what is wrong with the key, never echo it.
            throw new IOException("cannot read the signing key '" + key.fileName() + "': " + e.getMessage());
        }
        String identity = settings.registryHost() + "/" + image.repository() + (image.tag() != null ? ":" + image.tag() : "");
        SignatureArtifacts artifacts = new ImageSigner(signatureStore())
                .sign(image.repository(), Digest.parse(digest), identity, signingKey, Map.of("creator", "gatehouse-jenkins"));
        return new SignatureOutcome(digest, artifacts.manifestDigest().toString(), signingKey.keyId(), !artifacts.changed());
    }

    /**
     * Asks the registry's token service (found from the Bearer challenge of {@code GET /v2/}, e.g.
     * {@code /auth/token}) for a token limited to {@code scopes}, authenticating with our username and password
     * (a Gatehouse service account's name and token). The token service grants at most what the account holds and
     * the token lives {@code auth.token_ttl} (5 minutes by default). A secret-text credential is a bearer token
     * already, and our registry never lets a token buy another, so that combination is refused rather than handing
     * the secret itself to the agent.
     */
    @Override
    public AgentCredential agentCredential(List<String> scopes) throws IOException {
        if (!auth.isAnonymous() && auth.username() == null) {
            throw new IOException("work on an agent needs a username/password registry credential (a service account's name and"
                    + " token), from which the controller obtains a token limited to " + String.join(" ", scopes)
                    + "; a secret-text credential would have to be sent to the agent as it is, which the plugin does not do");
        }
        io.gatehouse.core.remote.Credentials credentials = auth.isAnonymous() ? null
                : io.gatehouse.core.remote.Credentials.basic(auth.username(), new String(auth.secret()));
        RegistryClient client = RegistryClient.builder(settings.registryHost())
                .plainHttp("http".equals(settings.registryUrl().getScheme()))
                .timeouts(settings.connectTimeout(), settings.connectTimeout().multipliedBy(4))
                .httpClient(http)
                .credentials(credentials)
                .build();
        try {
            var token = client.scopedToken(scopes);
            if (token.isEmpty()) {
                return AgentCredential.anonymous(scopes);
            }
            return new AgentCredential(new RegistryAuth(null, token.get().value().toCharArray()), token.get().expiresAt(), scopes);
        } catch (io.gatehouse.core.remote.RegistryException e) {
            throw new IOException("no scoped registry token for the agent: " + e.getMessage(), e);
        }
    }

    /** The OCI store signing uses; also what verification in tests reads. */
    public io.gatehouse.core.sign.SignatureStore signatureStore() {
        return new RegistrySignatureStore(registryClient());
    }

    /**
     * core's client for /v2 on our OkHttp client (its TLS settings), sending our Authorization up front as every other
     * call of this service does: a secret-text credential is a bearer token the client has no other way to send.
     * An application interceptor sees the request once, before redirects, so the header never follows a redirect.
     */
    private RegistryClient registryClient() {
        OkHttpClient authorized = http.newBuilder().addInterceptor(chain -> chain.proceed(
                chain.request().header("Authorization") != null ? chain.request() : authorize(chain.request().newBuilder()).build())).build();
        return RegistryClient.builder(settings.registryHost())
                .plainHttp("http".equals(settings.registryUrl().getScheme()))
                .timeouts(settings.connectTimeout(), settings.connectTimeout().multipliedBy(4))
                .httpClient(authorized)
                .build();
    }

    private void requireConfiguredRegistry(ImageArgument image) throws IOException {
        if (image.registry() != null && !image.registry().equals(settings.registryHost())) {
            throw new IOException(image + " is not in the configured registry " + settings.registryHost()
                    + ": name it without a host, or as " + settings.registryHost() + "/" + image.repository());
        }
    }

    private Request.Builder authorize(Request.Builder b) {
        if (!auth.isAnonymous()) {
            if (auth.username() == null) {
                b.header("Authorization", "Bearer " + new String(auth.secret()));
            } else {
                // The header value is a String anyway; build it once, never log it.
                String pair = auth.username() + ":" + new String(auth.secret());
                b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return b;
    }
}
