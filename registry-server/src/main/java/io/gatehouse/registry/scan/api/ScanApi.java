package io.gatehouse.registry.scan.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.policy.ScanFacts;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.api.ApiCall;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.api.ApiRoute;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.scan.service.ScanIndex;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.service.ScanStatus;
import io.gatehouse.registry.scan.vulndb.AdvisoryImporter;
import io.gatehouse.registry.scan.vulndb.Importers;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import io.gatehouse.registry.scan.vulndb.VulnDbImportException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The scanning part of the management API ({@code /api/v1}): ask for a scan, read its status, report and SBOM,
 * per-repository scan-on-push, vulnerability data imports, and "which images have this CVE". Authorization is the
 * router's: each route declares its scope.
 */
public final class ScanApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON = 1024 * 1024;

    private final ScanService scans;
    private final ContentService content;
    private final AccessController access;
    private final AuditLog audit;
    private final Path tempDir;

    private ScanApi(ScanService scans, ContentService content, AccessController access, AuditLog audit, Path tempDir) {
        this.scans = scans;
        this.content = content;
        this.access = access;
        this.audit = audit;
        this.tempDir = tempDir;
    }

    /**
     * Wires scanning into a server being built (for {@code gatehouse serve}): the {@link ScanService} listens to
     * pushes and, when {@code auth} is given, its routes join the management API. Returns a holder filled when
     * the server is built.
     */
    public static AtomicReference<ScanService> install(RegistryServer.Builder b, Function<RegistryServer, AuthModule> auth) {
        AtomicReference<ScanService> holder = new AtomicReference<>();
        b.listener(s -> {
            ScanService service;
            try {
                service = ScanService.create(s);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the vulnerability database: " + e.getMessage(), e);
            }
            holder.set(service);
            if (auth != null) {
                AuthModule m = auth.apply(s);
                register(m.api(), service, s.content(), m.accessController(), m.auditLog(), s.dataDir());
            }
            return service;
        });
        return holder;
    }

    /** @param audit where vulnerability data imports are recorded, or null */
    public static void register(ApiRouter r, ScanService scans, ContentService content, AccessController access,
                                AuditLog audit, Path tempDir) {
        new ScanApi(scans, content, access, audit, tempDir).routes(r);
    }

    private void routes(ApiRouter r) {
        Function<Map<String, String>, Scope> pull = p -> Scope.repository(p.get("repo"), Scope.PULL);
        r.add("POST", "/repositories/{repo*}/scans/{digest}", pull, c -> {
            String repo = c.path("repo");
            Digest d = resolve(repo, c.path("digest"));
            ScanStatus s = scans.scan(repo, d, "true".equalsIgnoreCase(c.query("force")), c.principal());
            return new ApiResult(202, status(s), Map.of("Location", ApiRouter.PREFIX + "/repositories/" + repo + "/scans/" + d));
        }, "Scan an image (202 with its scan status; ?force=true rescans)");
        r.add("GET", "/repositories/{repo*}/scans/{digest}", pull, c -> {
            String repo = c.path("repo");
            Digest d = resolve(repo, c.path("digest"));
            ScanStatus s = scans.status(repo, d).orElseThrow(() -> ApiException.notFound("image " + repo + "@" + d + " was not scanned"));
            return ApiResult.ok(status(s));
        }, "Scan status of an image and, when done, its summary");
        r.add("GET", "/repositories/{repo*}/scans/{digest}/report", pull, c -> {
            String repo = c.path("repo");
            Digest d = resolve(repo, c.path("digest"));
            String format = c.query("format");
            if (format != null && !format.equals("gatehouse") && !format.equals("trivy")) {
                throw ApiException.badRequest("format must be gatehouse or trivy");
            }
            if ("trivy".equals(format)) {
                return ApiResult.ok(ApiResult.rawJson(scans.trivyReport(repo, d).orElseThrow(() -> noReport(repo, d))));
            }
            return ApiResult.ok(scans.report(repo, d).orElseThrow(() -> noReport(repo, d)));
        }, "The stored scan report of an image (?format=trivy for Trivy's JSON shape)");
        r.add("GET", "/repositories/{repo*}/scans/{digest}/sbom", pull, c -> {
            String repo = c.path("repo");
            Digest d = resolve(repo, c.path("digest"));
            return ApiResult.ok(ApiResult.rawJson(scans.sbom(repo, d).orElseThrow(() -> noReport(repo, d))));
        }, "The stored SBOM of an image (CycloneDX 1.5 JSON)");
        r.add("GET", "/repositories/{repo*}/scan-settings", pull,
                c -> ApiResult.ok(Map.of("scanOnPush", scans.scanOnPush(c.path("repo")))), "A repository's scan settings");
        r.add("PUT", "/repositories/{repo*}/scan-settings", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> {
            Boolean on = ApiCall.optBool(c.json(), "scanOnPush");
            if (on == null) throw ApiException.badRequest("field 'scanOnPush' (true or false) is required");
            scans.setScanOnPush(c.path("repo"), on);
            return ApiResult.ok(Map.of("scanOnPush", on));
        }, "Turn scan-on-push on or off for a repository");
        r.add("GET", "/vulndb", Scope.self(), c -> ApiResult.ok(vulndb()), "Vulnerability database version and counts");
        r.add("POST", "/vulndb/imports", Scope.systemAdmin(), (ApiRoute.StreamingHandler) this::importData,
                "Import vulnerability data: a file on the server, or the file itself as the body with ?format=");
        r.add("GET", "/vulnerabilities/{cve}/images", Scope.self(), c -> {
            List<Map<String, String>> images = scans.index().imagesAffectedBy(c.path("cve")).stream()
                    .filter(i -> access.mayRead(c.principal(), i[0]))
                    .map(i -> Map.of("repository", i[0], "digest", i[1])).toList();
            return ApiResult.ok(Map.of("vulnerability", c.path("cve"), "images", images));
        }, "Images whose latest report has this vulnerability (only repositories the caller may read)");
    }

    private Map<String, Object> vulndb() {
        VulnDb db = scans.database();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", db.version());
        m.putAll(db.stats());
        return m;
    }

    /**
     * With {@code ?format=}: the body is the data file itself, streamed to a temporary file (never held in memory)
     * and imported from there. Without: the body is {@code {"path": "<file on the server>", "format": optional}}.
     */
    private ApiResult importData(ApiCall c, InputStream body) throws IOException {
        String format = c.query("format");
        VulnDb.ImportResult result;
        String origin;
        if (format != null) {
            AdvisoryImporter importer = importer(format);
            Files.createDirectories(tempDir);
            Path tmp = Files.createTempFile(tempDir, "vulndb-upload-", ".part");
            try {
                BufferedInputStream in = new BufferedInputStream(body, 1 << 16);
                in.mark(4);
                byte[] magic = in.readNBytes(4);
                in.reset();
                if (magic.length == 0) throw ApiException.badRequest("the body (the vulnerability data file) is empty");
                // the importers tell zips, gzip and YAML apart by file name
                String suffix = magic[0] == 'P' && magic.length > 1 && magic[1] == 'K' ? ".zip"
                        : (magic[0] & 0xff) == 0x1f && magic.length > 1 && (magic[1] & 0xff) == 0x8b ? ".gz"
                        : format.toLowerCase(Locale.ROOT).startsWith("alpine") && magic[0] != '{' && magic[0] != '[' ? ".yaml" : ".json";
                Path named = tmp.resolveSibling(tmp.getFileName() + suffix);
                Files.copy(in, named, StandardCopyOption.REPLACE_EXISTING);
                try {
                    result = run(importer, named);
                } finally {
                    Files.deleteIfExists(named);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            origin = "upload";
        } else {
            byte[] bytes = body.readNBytes(MAX_JSON + 1);
            if (bytes.length > MAX_JSON) throw ApiException.badRequest("give ?format= to upload a data file as the body");
            JsonNode json;
            try {
                json = bytes.length == 0 ? null : JSON.readTree(bytes);
            } catch (IOException e) {
                throw ApiException.badRequest("the body is not valid JSON (to upload a data file, give ?format=)");
            }
            if (json == null || !json.isObject()) throw ApiException.badRequest("a JSON object {\"path\": …} is required, or a data file with ?format=");
            Path path = Path.of(ApiCall.text(json, "path"));
            if (!Files.exists(path)) throw ApiException.badRequest("no such file on the server: " + path);
            String f = ApiCall.optText(json, "format");
            result = run(f == null ? Importers.detect(path) : importer(f), path);
            origin = path.toString();
        }
        if (audit != null) {
            audit.record(c.principal(), "vulndb.import", origin, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                    result.format() + ": " + result.advisories() + " advisories, " + result.nvdEntries() + " NVD entries, version " + result.version());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", result.format());
        m.put("advisories", result.advisories());
        m.put("nvdEntries", result.nvdEntries());
        m.put("version", result.version());
        return ApiResult.created(m);
    }

    private VulnDb.ImportResult run(AdvisoryImporter importer, Path path) throws IOException {
        try {
            return scans.importVulnData(importer, path);
        } catch (VulnDbImportException e) {
            throw ApiException.badRequest("the vulnerability data was refused: " + e.getMessage());
        }
    }

    private static AdvisoryImporter importer(String format) {
        try {
            return Importers.byFormat(format);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** A digest, or a tag resolved through the registry's content; 404 when the image does not exist. */
    private Digest resolve(String repo, String reference) {
        if (reference.indexOf(':') >= 0) {
            Digest d;
            try {
                d = Digest.parse(reference);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid digest: " + reference);
            }
            if (content.getManifest(repo, d).isEmpty()) throw ApiException.notFound("no image " + repo + "@" + d);
            return d;
        }
        return content.getManifest(repo, reference).map(m -> m.digest())
                .orElseThrow(() -> ApiException.notFound("no image " + repo + ":" + reference));
    }

    private static ApiException noReport(String repo, Digest d) {
        return ApiException.notFound("no scan report for " + repo + "@" + d);
    }

    private Map<String, Object> status(ScanStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repository", s.repository());
        m.put("digest", s.manifestDigest());
        m.put("state", s.state().name().toLowerCase(Locale.ROOT));
        if (s.reason() != null) m.put("reason", s.reason());
        if (s.state() == ScanStatus.State.DONE) {
            m.put("databaseVersion", s.databaseVersion());
            m.put("reportDigest", s.reportDigest());
            m.put("sbomDigest", s.sbomDigest());
            scans.index().report(s.repository(), s.manifestDigest()).ifPresent(row -> summary(m, row));
        }
        return m;
    }

    private void summary(Map<String, Object> m, ScanIndex.IndexedReport row) {
        m.put("scannedAt", row.scannedAt());
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("critical", row.critical());
        counts.put("high", row.high());
        counts.put("medium", row.medium());
        counts.put("low", row.low());
        counts.put("unknown", row.unknown());
        counts.put("total", row.total());
        m.put("summary", counts);
        Map<String, Integer> fixable = new LinkedHashMap<>();
        for (String sev : ScanFacts.SEVERITIES) fixable.put(sev.toLowerCase(Locale.ROOT), 0);
        List<String> warnings = List.of();
        try {
            Optional<ScanReport> report = scans.report(row.repository(), Digest.parse(row.manifestDigest()));
            if (report.isPresent()) {
                for (ScanFacts.Finding f : ScanFacts.of(report.get()).findings()) {
                    if (f.fixable()) fixable.merge(f.severity().toLowerCase(Locale.ROOT), 1, Integer::sum);
                }
                warnings = report.get().warnings();
            }
        } catch (RuntimeException e) {
            // the report artifact is gone or unreadable: the index's total still answers
        }
        fixable.put("total", row.fixable());
        m.put("fixable", fixable);
        // "done" with complete=false: the scan ran, but zero findings does not mean a clean image (e.g. OS unknown)
        m.put("complete", warnings.isEmpty());
        m.put("warnings", warnings);
    }
}
