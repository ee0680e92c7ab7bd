package io.gatehouse.registry.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.policy.ConditionResult;
import io.gatehouse.core.policy.Verdict;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.core.sign.VerificationResult;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.auth.Authenticator;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.StoredManifest;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.scan.service.ScanIndex;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.service.ScanStatus;
import io.gatehouse.registry.trust.PolicyStore;
import io.gatehouse.registry.trust.Promoter;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.registry.trust.TrustedKeys;
import io.gatehouse.registry.ui.UiHandler.Answer;
import io.gatehouse.registry.ui.UiHandler.Call;
import io.gatehouse.registry.ui.UiHandler.Download;
import io.gatehouse.registry.ui.UiHandler.Html;
import io.gatehouse.registry.ui.UiHandler.Redirect;
import io.gatehouse.registry.ui.UiHandler.Refused;
import io.gatehouse.registry.ui.admin.AdminPages;
import io.gatehouse.registry.ui.UiModel.*;
import io.gatehouse.registry.ui.mirrors.MirrorPages;
import io.gatehouse.registry.ui.policies.PolicyPages;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The pages: each checks the scope of the management API call it shows ({@link UiHandler#require}), then reads
 * through the registry's services and hands a {@link UiModel} record to its template.
 */
public final class Pages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REPOSITORIES_PER_PAGE = 50;
    private static final int TAGS_PER_PAGE = 50;
    private static final int RECENT_TAGS = 12;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final UiServices services;
    private final UiHandler ui;
    private final AdminPages admin;
    /** Size and platforms of a manifest: content-addressed, so never stale. */
    private final Cache<String, ImageFacts> facts = Caffeine.newBuilder().maximumSize(50_000).build();

    private record ImageFacts(long size, String platforms) {
    }

    /**
     * Whether an image holds a valid signature, for the tag list's badge: verifying means reading the signature
     * referrers and the trusted keys of three scopes, for each of 50 rows, so the answer is reused for a few seconds.
     * The image page always verifies afresh.
     */
    private final Cache<String, Boolean> signedBadges = Caffeine.newBuilder().maximumSize(50_000)
            .expireAfterWrite(java.time.Duration.ofSeconds(10)).build();

    private final PolicyPages policies;
    private final MirrorPages mirrors;

    Pages(UiServices services, UiHandler ui) {
        this.services = services;
        this.ui = ui;
        this.policies = new PolicyPages(services, ui);
        this.mirrors = new MirrorPages(services, ui);
        this.admin = new AdminPages(services, ui);
    }

    Answer route(Call c) {
        String p = c.path;
        if (p.equals("/login")) return c.post() ? signIn(c) : signInForm(c, null, null, 200);
        if (p.equals("/logout")) {
            if (!c.post()) throw methodNotAllowed();
            ui.signedOut(c);
            return new Redirect("/login");
        }
        if (p.equals("/mirrors") || p.startsWith("/mirrors/")) return mirrors.route(c, p);
        if (p.equals("/admin") || p.startsWith("/admin/")) return admin.route(c);
        if (p.startsWith("/repositories/")) {
            String rest = p.substring("/repositories/".length());
            int dash = rest.indexOf("/-/");
            if (dash < 0) return get(c, () -> repository(c, strip(rest)));
            String repo = rest.substring(0, dash);
            String action = rest.substring(dash + 3);
            int slash = action.indexOf('/');
            if (slash < 0) throw UiHandler.notFound();
            String verb = action.substring(0, slash);
            String ref = action.substring(slash + 1);
            return switch (verb) {
                case "images" -> get(c, () -> image(c, repo, ref));
                case "sbom" -> get(c, () -> sbom(c, repo, ref));
                case "scan" -> {
                    if (!c.post()) throw methodNotAllowed();
                    yield scanNow(c, repo, ref);
                }
                case "promote" -> promote(c, repo, ref);
                default -> throw UiHandler.notFound();
            };
        }
        return switch (p) {
            case "/", "/repositories" -> get(c, () -> repositories(c));
            case "/vulnerabilities" -> get(c, () -> vulnerabilities(c));
            case "/policies" -> policies.route(c);
            case "/audit" -> get(c, () -> audit(c));
            default -> throw UiHandler.notFound();
        };
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static Answer get(Call c, java.util.function.Supplier<Answer> page) {
        if (c.post()) throw methodNotAllowed();
        return page.get();
    }

    private static Refused methodNotAllowed() {
        return new Refused(405, "Not here", "This page does not take forms.");
    }

    // ---- sign in and out

    private Answer signInForm(Call c, String user, String error, int status) {
        UiSessions.Session s = ui.ensureSession(c);
        Page page = new UiModel.Page("Sign in", null, false, s.csrf(), "login");
        String next = c.post() ? c.form("next") : c.query("next");
        return new Html(status, "login.jte", page, new Login(user, UiHandler.safeNext(next), error));
    }

    private Answer signIn(Call c) {
        String user = c.form("username");
        String password = c.form.getOrDefault("password", "");
        if (user == null || password.isEmpty()) return signInForm(c, user, "Enter your user name and password.", 400);
        char[] pw = password.toCharArray();
        Authenticator.Result r;
        try {
            // the same check as the API's Basic credentials: same password hashes, same throttle, same audit
            r = services.auth().authenticator().checkPassword(user, pw, c.address(), null);
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
        if (r instanceof Authenticator.Authenticated a) {
            UiSessions.Session s = ui.sessions().signIn(a.principal(), c.session == null ? null : c.session.id());
            ui.signedIn(c, s);
            return new Redirect(UiHandler.safeNext(c.form("next")));
        }
        var denied = ((Authenticator.Rejected) r).denied();
        if (denied.status() == 429) {
            String wait = denied.headers().getOrDefault("Retry-After", "a few minutes");
            return signInForm(c, user, "Too many failed sign-ins. Try again in " + wait + " seconds.", 429);
        }
        return signInForm(c, user, "Wrong user name or password.", 401);
    }

    // ---- repositories

    private Answer repositories(Call c) {
        var d = services.access().authorizeSession(c.principal, c.address(), Scope.catalog());
        if (d instanceof io.gatehouse.registry.auth.Decision.Denied) throw new Refused(c.principal.isAnonymous() ? 401 : 403, "Not allowed", "You may not list repositories.");
        String q = c.query("q");
        String org = c.query("org");
        String vis = c.query("visibility");
        int page = Math.max(1, parseInt(c.query("page"), 1));
        List<String> visible = new ArrayList<>();
        TreeSet<String> orgs = new TreeSet<>();
        var rules = services.access().rules();
        String last = "";
        while (true) {
            List<String> batch = services.content().listRepositories(last, 1000);
            for (String name : batch) {
                if (!rules.mayRead(c.principal, name)) continue;
                String ns = namespace(name);
                orgs.add(ns);
                if (q != null && !name.contains(q.toLowerCase(Locale.ROOT))) continue;
                if (org != null && !org.equals(ns)) continue;
                if (vis != null && !vis.equals(services.auth().permissions().visibility(name).wireName())) continue;
                visible.add(name);
            }
            if (batch.size() < 1000) break;
            last = batch.get(batch.size() - 1);
        }
        int from = Math.min((page - 1) * REPOSITORIES_PER_PAGE, visible.size());
        int to = Math.min(from + REPOSITORIES_PER_PAGE, visible.size());
        MetadataStore meta = services.content().metadata();
        List<RepoRow> rows = new ArrayList<>();
        for (String name : visible.subList(from, to)) {
            var lp = meta.lastPush(name);
            rows.add(new RepoRow(name, "/repositories/" + name, namespace(name), services.auth().permissions().visibility(name).wireName(),
                    lp.isPresent() ? time(lp.getAsLong()) : "never", meta.tagCount(name)));
        }
        String base = "/repositories?" + param("q", q) + param("org", org) + param("visibility", vis);
        Link prev = page > 1 ? new Link("Previous page", base + "page=" + (page - 1)) : null;
        Link next = to < visible.size() ? new Link("Next page", base + "page=" + (page + 1)) : null;
        return new Html(200, "repositories.jte", ui.page(c, "Repositories", "repositories"),
                new RepoList(rows, q, org, vis, List.copyOf(orgs), prev, next, rows.size(), visible.size()));
    }

    private Answer repository(Call c, String repo) {
        ui.require(c, "GET", "/repositories/" + repo + "/gates");
        if (!services.content().repositoryExists(repo)) throw UiHandler.notFound();
        MetadataStore meta = services.content().metadata();
        String after = c.query("after");
        List<MetadataStore.TagRow> tags = meta.tagDetails(repo, after, TAGS_PER_PAGE + 1);
        boolean more = tags.size() > TAGS_PER_PAGE;
        if (more) tags = tags.subList(0, TAGS_PER_PAGE);
        List<TagRow> rows = new ArrayList<>();
        for (MetadataStore.TagRow t : tags) rows.add(tagRow(repo, t));
        Trust trust = services.trustService();
        var gates = trust == null ? null : trust.gates().get(repo);
        List<MetadataStore.TagRow> recent = meta.recentTags(repo, RECENT_TAGS);
        String example = recent.isEmpty() ? "latest" : recent.get(0).name();
        String ref = services.registryHost() + "/" + repo + ":" + example;
        String severity = null;
        String trend = null;
        ScanService scans = services.scan();
        if (scans != null) {
            int[] sum = new int[5];
            for (ScanIndex.IndexedReport r : scans.index().reports(repo)) {
                sum[0] += r.critical();
                sum[1] += r.high();
                sum[2] += r.medium();
                sum[3] += r.low();
                sum[4] += r.unknown();
            }
            severity = Charts.severityBars(sum);
            List<String> labels = new ArrayList<>();
            List<int[]> values = new ArrayList<>();
            for (int i = recent.size() - 1; i >= 0; i--) {
                var t = recent.get(i);
                var r = scans.index().report(repo, t.digest());
                labels.add(t.name());
                values.add(r.map(x -> new int[]{x.critical(), x.high()}).orElse(null));
            }
            trend = Charts.criticalHighTrend(labels, values);
        }
        return new Html(200, "repository.jte", ui.page(c, repo, "repositories"), new UiModel.Repository(repo,
                services.auth().permissions().visibility(repo).wireName(),
                gates != null && gates.protectedRepository(), gates != null && gates.immutableTags(),
                gates == null || gates.pullPolicy() == null ? null : gates.pullPolicy().name(),
                "docker pull " + ref, "podman pull " + ref, rows, meta.tagCount(repo),
                after == null ? null : new Link("First page", "/repositories/" + repo),
                more ? new Link("Next page", "/repositories/" + repo + "?after=" + enc(tags.get(tags.size() - 1).name())) : null,
                severity, trend, trust == null ? List.of() : trust.policies().autoPromotions(repo)));
    }

    private TagRow tagRow(String repo, MetadataStore.TagRow t) {
        ImageFacts f = facts(repo, t.digest(), t.mediaType());
        ScanBadge badge = badge(repo, t.digest());
        boolean signed = false;
        Trust trust = services.trustService();
        if (trust != null) {
            signed = signedBadges.get(repo + "@" + t.digest(), k -> trust.signatures().verify(repo, Digest.parse(t.digest())).isSigned());
        }
        return new TagRow(t.name(), t.digest(), shortDigest(t.digest()), imageHref(repo, t.digest()),
                f == null ? "" : size(f.size()), f == null ? "" : f.platforms(), time(t.updatedAt()), badge, signed);
    }

    private ScanBadge badge(String repo, String digest) {
        ScanService scans = services.scan();
        if (scans == null) return null;
        Optional<ScanIndex.IndexedReport> r = scans.index().report(repo, digest);
        if (r.isPresent()) {
            var x = r.get();
            return new ScanBadge("done", x.critical(), x.high(), x.medium(), x.low(), x.unknown(), x.fixable());
        }
        return scans.index().status(repo, digest)
                .map(s -> new ScanBadge(s.state().name().toLowerCase(Locale.ROOT), 0, 0, 0, 0, 0, 0))
                .orElse(new ScanBadge("not scanned", 0, 0, 0, 0, 0, 0));
    }

    /** Total size (config and layers; for an index, its children's) and platforms, read once per digest. */
    private ImageFacts facts(String repo, String digest, String mediaType) {
        ImageFacts known = facts.getIfPresent(digest);
        if (known != null) return known;
        Optional<StoredManifest> m = services.content().getManifest(repo, Digest.parse(digest));
        if (m.isEmpty()) return null;
        JsonNode root = tree(m.get().bytes());
        ImageFacts f;
        if (MediaTypes.isIndex(m.get().mediaType()) || root.has("manifests")) {
            long size = 0;
            List<String> platforms = new ArrayList<>();
            for (JsonNode child : root.path("manifests")) {
                size += child.path("size").asLong(0);
                String p = platform(child.path("platform"));
                if (!p.isEmpty()) platforms.add(p);
            }
            f = new ImageFacts(size, String.join(", ", platforms));
        } else {
            long size = root.path("config").path("size").asLong(0);
            for (JsonNode l : root.path("layers")) size += l.path("size").asLong(0);
            JsonNode config = config(repo, root);
            f = new ImageFacts(size, config == null ? "" : platform(config));
        }
        facts.put(digest, f);
        return f;
    }

    /** The image configuration blob (small JSON), or null when it is not JSON or absent. */
    private JsonNode config(String repo, JsonNode manifest) {
        String d = manifest.path("config").path("digest").asText("");
        long size = manifest.path("config").path("size").asLong(0);
        if (d.isEmpty() || size <= 0 || size > 1 << 20 || !Digest.isDigest(d)) return null;
        String type = manifest.path("config").path("mediaType").asText("");
        if (!type.equals(MediaTypes.OCI_CONFIG) && !type.equals(MediaTypes.DOCKER_CONFIG)) return null;
        try (InputStream in = services.content().openBlob(repo, Digest.parse(d))) {
            return JSON.readTree(in);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String platform(JsonNode p) {
        String os = p.path("os").asText("");
        String arch = p.path("architecture").asText("");
        if (os.isEmpty() && arch.isEmpty()) return "";
        String variant = p.path("variant").asText("");
        return os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant);
    }

    // ---- an image

    private Answer image(Call c, String repo, String ref) {
        ui.require(c, "GET", "/repositories/" + repo + "/scans/" + ref + "/report");
        StoredManifest m = manifest(repo, ref);
        String digest = m.digest().toString();
        JsonNode root = tree(m.bytes());
        boolean index = MediaTypes.isIndex(m.mediaType()) || root.has("manifests");
        List<Platform> platforms = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        List<KeyValue> annotations = new ArrayList<>();
        String platform = "";
        if (index) {
            for (JsonNode child : root.path("manifests")) {
                String cd = child.path("digest").asText("");
                platforms.add(new Platform(platform(child.path("platform")), cd, Digest.isDigest(cd) ? imageHref(repo, cd) : null));
            }
        } else {
            JsonNode cfg = root.path("config");
            layers.add(new Layer("config: " + cfg.path("mediaType").asText(""), cfg.path("digest").asText(""), size(cfg.path("size").asLong(0))));
            for (JsonNode l : root.path("layers")) {
                layers.add(new Layer(l.path("mediaType").asText(""), l.path("digest").asText(""), size(l.path("size").asLong(0))));
            }
            JsonNode config = config(repo, root);
            if (config != null) {
                platform = platform(config);
                config.path("config").path("Labels").fields().forEachRemaining(e -> annotations.add(new KeyValue("label " + e.getKey(), e.getValue().asText())));
                if (config.hasNonNull("created")) annotations.add(new KeyValue("created", config.path("created").asText()));
            }
        }
        root.path("annotations").fields().forEachRemaining(e -> annotations.add(new KeyValue(e.getKey(), e.getValue().asText())));
        if (root.hasNonNull("artifactType")) annotations.add(new KeyValue("artifactType", root.path("artifactType").asText()));
        if (root.path("subject").hasNonNull("digest")) annotations.add(new KeyValue("subject", root.path("subject").path("digest").asText()));
        ImageFacts f = facts(repo, digest, m.mediaType());
        String pull = services.registryHost() + "/" + repo + "@" + digest;

        // scanning
        String scanState = "scanning is off";
        String scanReason = null;
        ScanBadge badge = null;
        String scannedAt = null;
        String dbVersion = null;
        Findings findings = null;
        String sbomHref = null;
        ScanService scans = services.scan();
        if (scans != null) {
            Optional<ScanStatus> st = scans.status(repo, m.digest());
            scanState = st.map(s -> s.state().name().toLowerCase(Locale.ROOT)).orElse("not scanned");
            scanReason = st.map(ScanStatus::reason).orElse(null);
            Optional<ScanReport> report = scans.report(repo, m.digest());
            if (report.isPresent()) {
                ScanReport r = report.get();
                scannedAt = r.finishedAt();
                dbVersion = r.databaseVersion();
                badge = badge(repo, digest);
                findings = findings(c, repo, digest, r.findings());
                if (st.map(ScanStatus::sbomDigest).orElse(null) != null) sbomHref = "/repositories/" + repo + "/-/sbom/" + digest;
            }
        }

        // signatures, provenance, referrers
        List<Signature> signatures = new ArrayList<>();
        List<List<KeyValue>> provenance = new ArrayList<>();
        Trust trust = services.trustService();
        if (trust != null) {
            VerificationResult v = trust.signatures().verify(repo, m.digest());
            Map<String, String> names = keyNames(trust, repo);
            for (var s : v.valid()) signatures.add(new Signature(s.keyId(), names.getOrDefault(s.keyId(), "(not a trusted key name)"), s.dockerReference(), true, null));
            for (var s : v.rejected()) signatures.add(new Signature(null, null, null, false, s.reason()));
            for (JsonNode p : trust.promoter().provenance(repo, m.digest())) {
                List<KeyValue> kv = new ArrayList<>();
                p.fields().forEachRemaining(e -> {
                    if (e.getKey().equals("verdict")) kv.add(new KeyValue("verdict", e.getValue().path("passed").asBoolean() ? "passed" : "failed"));
                    else kv.add(new KeyValue(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
                });
                provenance.add(kv);
            }
        }
        List<Referrer> referrers = new ArrayList<>();
        for (var r : services.content().referrers(repo, m.digest(), null)) {
            referrers.add(new Referrer(r.artifactType() == null ? r.mediaType() : r.artifactType(), r.digest().toString(), size(r.size()),
                    imageHref(repo, r.digest().toString())));
        }
        return new Html(200, "image.jte", ui.page(c, repo + "@" + shortDigest(digest), "repositories"), new UiModel.Image(repo, ref, digest,
                m.mediaType(), index, platforms, layers, platform, f == null ? "" : size(f.size()), annotations,
                services.content().tagsOf(repo, m.digest()), "docker pull " + pull, "podman pull " + pull,
                scanState, scanReason, badge, scannedAt, dbVersion, findings, sbomHref, signatures, provenance, referrers,
                scans != null && ui.may(c, "POST", "/repositories/" + repo + "/scans/" + digest),
                trust != null && ui.may(c, "POST", "/repositories/" + repo + "/promotions"),
                "/repositories/" + repo, "/repositories/" + repo + "/-/scan/" + digest, "/repositories/" + repo + "/-/promote/" + digest));
    }

    private StoredManifest manifest(String repo, String ref) {
        if (!RepositoryName.isValid(repo)) throw UiHandler.notFound();
        try {
            return services.content().getManifest(repo, ref).orElseThrow(UiHandler::notFound);
        } catch (RuntimeException e) {
            if (e instanceof Refused r) throw r;
            throw UiHandler.notFound(); // an invalid reference names nothing
        }
    }

    /** The findings table: filtered and sorted on the server by query parameters (severity, pkg, fixable, sort). */
    private Findings findings(Call c, String repo, String digest, List<Finding> all) {
        String severity = c.query("severity");
        String pkg = c.query("pkg");
        String fixable = c.query("fixable");
        String sort = Optional.ofNullable(c.query("sort")).orElse("severity");
        Severity sev = null;
        if (severity != null) {
            try {
                sev = Severity.parse(severity);
            } catch (IllegalArgumentException e) {
                severity = null;
            }
        }
        List<Finding> rows = new ArrayList<>();
        for (Finding x : all) {
            if (sev != null && x.severity() != sev) continue;
            if (pkg != null && (x.packageName() == null || !x.packageName().toLowerCase(Locale.ROOT).contains(pkg.toLowerCase(Locale.ROOT)))) continue;
            if ("yes".equals(fixable) && !x.fixable()) continue;
            if ("no".equals(fixable) && x.fixable()) continue;
            rows.add(x);
        }
        Comparator<Finding> order = switch (sort) {
            case "package" -> Comparator.comparing((Finding x) -> String.valueOf(x.packageName())).thenComparing(ScanReport.ORDER);
            case "id" -> Comparator.comparing(Finding::vulnerabilityId).thenComparing(ScanReport.ORDER);
            case "fixed" -> Comparator.comparing((Finding x) -> !x.fixable()).thenComparing(ScanReport.ORDER);
            default -> ScanReport.ORDER;
        };
        if (!List.of("package", "id", "fixed").contains(sort)) sort = "severity";
        rows.sort(order);
        List<FindingRow> out = new ArrayList<>(rows.size());
        for (Finding x : rows) {
            out.add(new FindingRow(x.vulnerabilityId(), advisoryUrl(x.vulnerabilityId()), x.severity().name(), x.packageName(),
                    x.installedVersion(), x.fixedVersion(), x.title()));
        }
        String base = imageHref(repo, digest) + "?" + param("severity", severity) + param("pkg", pkg) + param("fixable", fixable);
        List<Link> sorts = List.of(new Link("severity", base + "sort=severity#findings"), new Link("package", base + "sort=package#findings"),
                new Link("id", base + "sort=id#findings"), new Link("fixed", base + "sort=fixed#findings"));
        return new Findings(severity, pkg, fixable, sort, out, all.size(), sorts);
    }

    /** Where an advisory is published, from the form of its id. */
    static String advisoryUrl(String id) {
        if (id == null) return null;
        String e = URLEncoder.encode(id, StandardCharsets.UTF_8);
        if (id.startsWith("CVE-")) return "https://nvd.nist.gov/vuln/detail/" + e;
        if (id.startsWith("GHSA-")) return "https://github.com/advisories/" + e;
        if (id.startsWith("DSA-") || id.startsWith("DLA-") || id.startsWith("TEMP-")) return "https://security-tracker.debian.org/tracker/" + e;
        return "https://osv.dev/vulnerability/" + e;
    }

    private static Map<String, String> keyNames(Trust trust, String repo) {
        Map<String, String> names = new HashMap<>();
        for (String scope : List.of(TrustedKeys.globalScope(), TrustedKeys.orgScope(namespace(repo)), TrustedKeys.repoScope(repo))) {
            for (var e : trust.keys().list(scope)) names.put(e.keyId(), e.name());
        }
        return names;
    }

    private Answer sbom(Call c, String repo, String ref) {
        ui.require(c, "GET", "/repositories/" + repo + "/scans/" + ref + "/sbom");
        StoredManifest m = manifest(repo, ref);
        ScanService scans = services.scan();
        if (scans == null) throw UiHandler.notFound();
        byte[] sbom = scans.sbom(repo, m.digest()).orElseThrow(UiHandler::notFound);
        return new Download("application/vnd.cyclonedx+json", "sbom-" + m.digest().hex().substring(0, 12) + ".cdx.json", sbom);
    }

    private Answer scanNow(Call c, String repo, String ref) {
        ui.require(c, "POST", "/repositories/" + repo + "/scans/" + ref);
        StoredManifest m = manifest(repo, ref);
        ScanService scans = services.scan();
        if (scans == null) throw UiHandler.notFound();
        scans.scan(repo, m.digest(), true, c.principal);
        return new Redirect(imageHref(repo, m.digest().toString()));
    }

    // ---- promotion

    private Answer promote(Call c, String repo, String ref) {
        ui.require(c, "POST", "/repositories/" + repo + "/promotions");
        Trust trust = services.trustService();
        if (trust == null) throw UiHandler.notFound();
        StoredManifest m = manifest(repo, ref);
        String digest = m.digest().toString();
        // the source tag matters to policies (tag patterns, target tag templates): the one asked for, else the image's first
        List<String> tags = services.content().tagsOf(repo, m.digest());
        String asked = c.post() ? c.form("tag") : c.query("tag");
        String source = asked != null && tags.contains(asked) ? asked : ref.indexOf(':') < 0 ? ref : tags.isEmpty() ? digest : tags.get(0);
        List<String> policies = trust.policies().names();
        String name = c.post() ? c.form("policy") : c.query("policy");
        String target = null;
        Boolean passes = null;
        List<Condition> conditions = List.of();
        Message result = null;
        if (name != null) {
            PolicyStore.StoredPolicy stored = trust.policies().latest(name).orElse(null);
            if (stored == null) {
                result = new Message("error", "There is no policy named " + name + ".");
            } else if (stored.policy().promotion() == null) {
                result = new Message("error", "Policy " + name + " has no promotion section: it cannot promote.");
            } else {
                target = stored.policy().promotion().targetRepository();
                try {
                if (c.post()) {
                    // the API's promotion: the same promoter (evaluates again, copies, signs, records provenance) and audit
                    Promoter.Result r = trust.promoter().promote(repo, source, stored.policy(), c.principal);
                    Trust.auditPromotion(services.auth().auditLog(), c.principal, c.address(), r);
                    passes = r.verdict().passed();
                    conditions = conditions(r.verdict());
                    result = r.promoted()
                            ? new Message("ok", "Promoted to " + r.targetRepository() + ":" + r.targetTag()
                            + (r.signedBy() == null ? "" : ", signed by key " + r.signedBy()) + ".")
                            : new Message("error", "Refused by policy " + name + ": " + r.verdict().failures().size() + " condition(s) failed.");
                } else {
                    Verdict v = trust.promoter().evaluate(repo, source, stored.policy());
                    passes = v.passed();
                    conditions = conditions(v);
                }
                } catch (IllegalArgumentException e) {
                    // e.g. a target tag template that needs a source tag the image does not have
                    passes = null;
                    result = new Message("error", "Policy " + name + " cannot promote this image: " + e.getMessage());
                }
            }
        }
        String self = "/repositories/" + repo + "/-/promote/" + digest;
        return new Html(200, "promote.jte", ui.page(c, "Promote " + repo, "repositories"), new Promote(repo, digest,
                source.equals(digest) ? shortDigest(digest) : source, imageHref(repo, digest), self, policies, name, target, passes, conditions, result,
                source.equals(digest) ? null : source));
    }

    private static List<Condition> conditions(Verdict v) {
        List<Condition> out = new ArrayList<>();
        for (ConditionResult r : v.conditions()) out.add(new Condition(r.name(), r.expected(), r.actual(), r.passed(), r.reason()));
        return out;
    }

    // ---- vulnerabilities, audit, administration (policies and mirrors: ui.policies, ui.mirrors)

    private Answer vulnerabilities(Call c) {
        ui.require(c, "GET", "/vulndb");
        ScanService scans = services.scan();
        if (scans == null) throw UiHandler.notFound();
        String id = c.query("id");
        if (id != null && (id.indexOf('/') >= 0 || id.length() > 200)) throw new Refused(400, "Not an advisory id", "An advisory id has no slash and at most 200 characters.");
        List<AffectedImage> images = new ArrayList<>();
        if (id != null) {
            ui.require(c, "GET", "/vulnerabilities/" + id + "/images");
            for (String[] i : scans.index().imagesAffectedBy(id)) {
                if (services.access().mayRead(c.principal, i[0])) images.add(new AffectedImage(i[0], i[1], imageHref(i[0], i[1])));
            }
        }
        var db = scans.database();
        List<KeyValue> counts = new ArrayList<>();
        new java.util.TreeMap<>(db.stats()).forEach((k, v) -> counts.add(new KeyValue(k, String.valueOf(v))));
        String last = db.lastImport().map(l -> l.finishedAt() + " (" + l.format() + ", " + l.advisories() + " advisories, " + l.origin() + ")").orElse("never");
        return new Html(200, "vulnerabilities.jte", ui.page(c, "Vulnerabilities", "vulnerabilities"),
                new Vulnerabilities(id, images, id != null, db.version(), counts, last));
    }

    private Answer audit(Call c) {
        ui.require(c, "GET", "/audit");
        String actor = c.query("actor");
        String action = c.query("action");
        String target = c.query("target");
        long before = parseLong(c.query("before"), 0);
        List<AuditEvent> events = services.auth().auditLog().query(new AuditQuery(actor, action, target, null, null, 100, before));
        List<AuditRow> rows = new ArrayList<>();
        for (AuditEvent e : events) {
            rows.add(new AuditRow(e.at().toString(), e.actor(), e.action(), e.target(), e.sourceAddress(),
                    e.outcome().name().toLowerCase(Locale.ROOT), e.detail()));
        }
        Link older = events.size() == 100 ? new Link("Older events", "/audit?" + param("actor", actor) + param("action", action)
                + param("target", target) + "before=" + events.get(events.size() - 1).id()) : null;
        return new Html(200, "audit.jte", ui.page(c, "Audit log", "audit"), new Audit(actor, action, target, rows, older));
    }

    // ---- helpers

    static String imageHref(String repo, String digest) {
        return "/repositories/" + repo + "/-/images/" + digest;
    }

    private static String namespace(String repo) {
        try {
            return RepositoryName.of(repo).namespace();
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String shortDigest(String d) {
        int colon = d.indexOf(':');
        return colon < 0 || d.length() < colon + 13 ? d : d.substring(0, colon + 13);
    }

    public static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    private static String param(String name, String value) {
        return value == null ? "" : name + "=" + enc(value) + "&";
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static int parseInt(String s, int dflt) {
        if (s == null) return dflt;
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static long parseLong(String s, long dflt) {
        if (s == null) return dflt;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static JsonNode tree(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
