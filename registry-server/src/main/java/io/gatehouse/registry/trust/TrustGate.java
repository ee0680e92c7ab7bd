package io.gatehouse.registry.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.policy.ConditionResult;
import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyEvaluator;
import io.gatehouse.core.policy.PolicyInput;
import io.gatehouse.core.policy.Verdict;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.SignatureManifest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.content.ContentGate;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.StoredManifest;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Repository gates, enforced whatever the client claims:
 * <ul>
 *   <li>protected repositories accept manifests only from promotion (which writes past the gate) or a system admin;
 *   signature manifests ({@code sha256-<hex>.sig} holding only simple-signing layers) are still accepted, so
 *   images there can be signed;</li>
 *   <li>immutable tags: an existing tag never moves to another digest;</li>
 *   <li>pull gate: a manifest GET is refused unless the repository's pull policy holds, with an error naming the
 *   CVEs or the missing signature. Artifacts that refer to an image (signatures, reports, provenance) are not gated.</li>
 * </ul>
 */
public final class TrustGate implements ContentGate {
    private static final Pattern SIG_TAG = Pattern.compile("sha256-[a-f0-9]{64}\\.sig");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RepositoryGates gates;
    private final ContentService content;
    private final SignatureService signatures;
    private final ScanReports reports;
    private final Clock clock;

    public TrustGate(RepositoryGates gates, ContentService content, SignatureService signatures, ScanReports reports, Clock clock) {
        this.gates = gates;
        this.content = content;
        this.signatures = signatures;
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public Optional<OciError> beforeManifestPush(Principal principal, String repository, String reference, byte[] manifest, String mediaType) {
        RepositoryGates.Settings s = gates.get(repository);
        if (s == RepositoryGates.Settings.NONE) return Optional.empty();
        boolean signature = SIG_TAG.matcher(reference).matches() && onlySignatureLayers(manifest);
        if (s.protectedRepository() && !principal.systemAdmin() && !signature) {
            return Optional.of(OciError.denied("repository " + repository + " is protected: images enter it only through promotion"));
        }
        if (s.immutableTags() && reference.indexOf(':') < 0 && !signature) {
            Optional<Digest> current = content.resolve(repository, reference);
            Digest pushed = Digest.sha256(manifest);
            if (current.isPresent() && !current.get().equals(pushed)) {
                return Optional.of(OciError.denied("tag " + reference + " of " + repository + " is immutable: it already points to " + current.get()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<OciError> beforeManifestPull(Principal principal, String repository, Digest digest) {
        RepositoryGates.Settings s = gates.get(repository);
        if (s.pullPolicy() == null) return Optional.empty();
        Optional<StoredManifest> m = content.getManifest(repository, digest);
        if (m.isEmpty()) return Optional.empty(); // the handler answers MANIFEST_UNKNOWN
        if (m.get().subject() != null || onlySignatureLayers(m.get().bytes())) return Optional.empty();
        Policy p = s.pullPolicy();
        Policy pullOnly = new Policy(p.schemaVersion(), p.name(), p.description(),
                new Policy.Conditions(p.conditions().vulnerabilities(), p.conditions().report(), p.conditions().signatures(), null), null);
        List<String> tags = content.tagsOf(repository, digest);
        PolicyInput input = new PolicyInput(repository, tags.isEmpty() ? null : tags.get(0), digest,
                reports.latest(repository, digest).orElse(null), signatures.verify(repository, digest).keyIds());
        Verdict v = new PolicyEvaluator(clock).evaluate(pullOnly, input);
        if (v.passed()) return Optional.empty();
        String why = v.failures().stream().map(c -> c.name() + ": " + (c.reason().isEmpty() ? "expected " + c.expected() + ", actual " + c.actual() : c.reason()))
                .collect(Collectors.joining("; "));
        List<Map<String, Object>> detail = v.failures().stream().map(TrustGate::detail).toList();
        return Optional.of(new OciError(403, "DENIED", "pull of " + repository + "@" + digest + " blocked by policy " + p.name() + ": " + why,
                Map.of("policy", p.name(), "failed", detail)));
    }

    private static Map<String, Object> detail(ConditionResult c) {
        return Map.of("condition", c.name(), "expected", c.expected(), "actual", c.actual(), "reason", c.reason());
    }

    private static boolean onlySignatureLayers(byte[] manifest) {
        try {
            JsonNode root = JSON.readTree(manifest);
            if (!MediaTypes.isImageManifest(root.path("mediaType").asText(MediaTypes.OCI_MANIFEST))) return false;
            JsonNode layers = root.path("layers");
            if (!layers.isArray() || layers.isEmpty()) return false;
            for (JsonNode l : layers) {
                if (!SignatureManifest.SIMPLE_SIGNING_MEDIA_TYPE.equals(l.path("mediaType").asText())) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
