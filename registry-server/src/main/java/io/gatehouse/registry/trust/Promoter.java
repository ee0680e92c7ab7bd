package io.gatehouse.registry.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.policy.ConditionResult;
import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyDocuments;
import io.gatehouse.core.policy.PolicyEvaluator;
import io.gatehouse.core.policy.PolicyInput;
import io.gatehouse.core.policy.ScanFacts;
import io.gatehouse.core.policy.Verdict;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.SigningKey;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.StoredManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Promotion: copy an image by digest from a source repository to the policy's target repository — same registry,
 * so blobs are mounted, never copied — only when the policy holds. Then (when the registry has a signing key) sign
 * it in the target for {@code host/target:tag}, and attach a provenance record (who, when, which policy and report,
 * the source) as an OCI artifact whose subject is the promoted image. A refused promotion changes nothing.
 */
public final class Promoter {
    public static final String PROVENANCE_ARTIFACT_TYPE = "application/vnd.gatehouse.promotion.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

    private final ContentService content;
    private final SignatureService signatures;
    private final ScanReports reports;
    private final RepositoryGates gates;
    private final ImageSigner signer;
    private final SigningKey registryKey;
    private final java.util.function.Supplier<String> registryHost;
    private final Clock clock;

    /**
     * @param signer       an ImageSigner over a gate-bypassing {@link ContentSignatureStore}
     * @param registryKey  the registry's own key, or null not to sign promoted images
     * @param registryHost host[:port] clients use, for the signed identity (asked at signing time: known once started)
     */
    public Promoter(ContentService content, SignatureService signatures, ScanReports reports, RepositoryGates gates, ImageSigner signer,
                    SigningKey registryKey, java.util.function.Supplier<String> registryHost, Clock clock) {
        this.content = content;
        this.signatures = signatures;
        this.reports = reports;
        this.gates = gates;
        this.signer = signer;
        this.registryKey = registryKey;
        this.registryHost = registryHost;
        this.clock = clock;
    }

    /**
     * @param promoted whether the image was copied; when false, {@link #verdict()} says why
     */
    public record Result(boolean promoted, Verdict verdict, String sourceRepository, Digest digest, String targetRepository,
                         String targetTag, Digest provenance, String signedBy) {
    }

    /**
     * What {@link #promote} would decide for this image and policy, changing nothing: the same facts (latest scan
     * report, verified signatures) through the same evaluator. The web interface shows it condition by condition
     * before the user confirms. {@link io.gatehouse.registry.content.RegistryException} MANIFEST_UNKNOWN for a missing source.
     */
    public Verdict evaluate(String sourceRepository, String reference, Policy policy) {
        StoredManifest source = content.getManifest(sourceRepository, reference)
                .orElseThrow(() -> OciError.manifestUnknown(reference).exception());
        return new PolicyEvaluator(clock).evaluate(policy, input(sourceRepository, reference, source.digest()));
    }

    private PolicyInput input(String sourceRepository, String reference, Digest digest) {
        String tag = reference.indexOf(':') >= 0 ? null : reference;
        ScanFacts facts = reports.latest(sourceRepository, digest).orElse(null);
        Set<String> keyIds = signatures.verify(sourceRepository, digest).keyIds();
        return new PolicyInput(sourceRepository, tag, digest, facts, keyIds);
    }

    /** Evaluates and, if the policy holds, promotes. {@link io.gatehouse.registry.content.RegistryException} MANIFEST_UNKNOWN for a missing source. */
    public Result promote(String sourceRepository, String reference, Policy policy, Principal actor) {
        if (policy.promotion() == null) throw new IllegalArgumentException("policy " + policy.name() + " has no promotion section");
        StoredManifest source = content.getManifest(sourceRepository, reference)
                .orElseThrow(() -> OciError.manifestUnknown(reference).exception());
        String tag = reference.indexOf(':') >= 0 ? null : reference;
        Digest digest = source.digest();
        PolicyInput input = input(sourceRepository, reference, digest);
        ScanFacts facts = input.scan();
        PolicyEvaluator evaluator = new PolicyEvaluator(clock);
        Verdict verdict = evaluator.evaluate(policy, input);
        String target = policy.promotion().targetRepository();
        if (!verdict.passed()) return new Result(false, verdict, sourceRepository, digest, target, null, null, null);
        String targetTag = evaluator.promotionTarget(policy, input).tag();
        RepositoryName.of(target);
        Optional<Digest> existing = content.resolve(target, targetTag);
        if (existing.isPresent() && !existing.get().equals(digest) && gates.get(target).immutableTags()) {
            List<ConditionResult> conditions = new java.util.ArrayList<>(verdict.conditions());
            conditions.add(new ConditionResult("promotion.targetTag", target + ":" + targetTag + " free or already " + digest,
                    "points to " + existing.get(), false, "the target's tags are immutable"));
            return new Result(false, new Verdict(verdict.policy(), false, conditions), sourceRepository, digest, target, targetTag, null, null);
        }

        copy(sourceRepository, target, source, actor);
        content.putManifest(target, targetTag, List.of(), source.bytes(), source.mediaType(), actor, false);

        String signedBy = null;
        if (registryKey != null) {
            try {
                signer.sign(target, digest, registryHost.get() + "/" + target + ":" + targetTag, registryKey,
                        Map.of("creator", "gatehouse promotion", "timestamp", clock.instant().getEpochSecond()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            signedBy = registryKey.keyId();
        }
        Digest provenance = attachProvenance(target, source, policy, verdict, facts, sourceRepository, tag, targetTag, signedBy, actor);
        return new Result(true, verdict, sourceRepository, digest, target, targetTag, provenance, signedBy);
    }

    /** Mounts every blob (and, for an index, every child manifest first) from source to target. */
    private void copy(String from, String to, StoredManifest m, Principal actor) {
        JsonNode root = tree(m.bytes());
        if (MediaTypes.isIndex(m.mediaType())) {
            for (JsonNode child : root.path("manifests")) {
                Digest d = Digest.parse(child.path("digest").asText());
                StoredManifest c = content.getManifest(from, d).orElseThrow(() -> OciError.manifestUnknown(d.toString()).exception());
                copy(from, to, c, actor);
                content.putManifest(to, d.toString(), List.of(), c.bytes(), c.mediaType(), actor, false);
            }
            return;
        }
        mount(from, to, root.path("config"));
        for (JsonNode layer : root.path("layers")) mount(from, to, layer);
    }

    private void mount(String from, String to, JsonNode descriptor) {
        if (!descriptor.has("digest")) return;
        Digest d = Digest.parse(descriptor.path("digest").asText());
        if (content.blobExists(to, d)) return;
        if (!content.mountBlob(from, to, d)) throw OciError.blobUnknown(d.toString()).exception();
    }

    private Digest attachProvenance(String target, StoredManifest image, Policy policy, Verdict verdict, ScanFacts facts,
                                    String sourceRepository, String sourceTag, String targetTag, String signedBy, Principal actor) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("promotedBy", actor.name());
        record.put("promotedAt", clock.instant().toString());
        record.put("sourceRepository", sourceRepository);
        record.put("sourceTag", sourceTag);
        record.put("sourceDigest", image.digest().toString());
        record.put("targetRepository", target);
        record.put("targetTag", targetTag);
        record.put("policy", policy.name());
        record.put("policyDigest", Digest.sha256(PolicyDocuments.toJson(policy).getBytes(StandardCharsets.UTF_8)).toString());
        if (facts != null) record.put("scanReport", Map.of("imageDigest", String.valueOf(facts.imageDigest()), "scannedAt", facts.scannedAt().toString()));
        if (signedBy != null) record.put("signedBy", signedBy);
        record.put("verdict", verdict);
        byte[] layer = bytes(JSON.valueToTree(record));
        content.writeBlob(target, layer);
        if (!content.blobExists(target, Digest.sha256(EMPTY_JSON))) content.writeBlob(target, EMPTY_JSON);

        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", PROVENANCE_ARTIFACT_TYPE);
        ObjectNode config = m.putObject("config");
        config.put("mediaType", MediaTypes.OCI_EMPTY);
        config.put("digest", Digest.sha256(EMPTY_JSON).toString());
        config.put("size", EMPTY_JSON.length);
        ObjectNode l = m.putArray("layers").addObject();
        l.put("mediaType", PROVENANCE_ARTIFACT_TYPE);
        l.put("digest", Digest.sha256(layer).toString());
        l.put("size", layer.length);
        ObjectNode subject = m.putObject("subject");
        subject.put("mediaType", image.mediaType());
        subject.put("digest", image.digest().toString());
        subject.put("size", image.size());
        m.putObject("annotations").put("org.opencontainers.image.created", clock.instant().toString());
        byte[] manifest = bytes(m);
        Digest d = Digest.sha256(manifest);
        content.putManifest(target, d.toString(), List.of(), manifest, MediaTypes.OCI_MANIFEST, actor, false);
        return d;
    }

    /** The provenance records attached to an image in a repository (newest last). */
    public List<JsonNode> provenance(String repository, Digest image) {
        return content.referrers(repository, image, PROVENANCE_ARTIFACT_TYPE).stream()
                .map(r -> content.getManifest(repository, r.digest()))
                .flatMap(Optional::stream)
                .map(m -> Digest.parse(tree(m.bytes()).path("layers").path(0).path("digest").asText()))
                .map(blob -> {
                    try (var in = content.openBlob(repository, blob)) {
                        return JSON.readTree(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }

    private static JsonNode tree(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
