package io.gatehouse.core.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure signing pieces: payload, .sig manifest, and every reason a signature is rejected. */
class SignatureVerifierTest {
    private static final SigningKey KEY = Keys.generate();
    private static final SigningKey OTHER = Keys.generate();
    private static final Digest IMAGE = Digest.sha256("image manifest".getBytes(StandardCharsets.UTF_8));
    private static final Digest OTHER_IMAGE = Digest.sha256("another image".getBytes(StandardCharsets.UTF_8));
    private static final String REPO = "registry.example.com:5000/team/app";
    private static final IdentityRule RULE = IdentityRule.repository(REPO);

    private final Map<Digest, byte[]> blobs = new HashMap<>();

    private byte[] sign(byte[] existing, SigningKey key, Digest digest, String ref) {
        CosignSignature sig = CosignSignature.sign(key, new SimpleSigningPayload(ref, digest, null));
        SignatureArtifacts a = SignatureManifest.append(existing, IMAGE, sig, new Subject("application/vnd.oci.image.manifest.v1+json", IMAGE, 123));
        for (var b : a.blobs()) blobs.put(b.digest(), b.content());
        return a.manifest();
    }

    private VerificationResult verify(byte[] manifest, TrustedKey... keys) throws Exception {
        return SignatureVerifier.verify(manifest, blobs::get, IMAGE, RULE, List.of(keys));
    }

    @Test
    void payloadHasCosignsExactShape() {
        byte[] json = new SimpleSigningPayload(REPO, IMAGE, null).toJson();
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"critical\":{\"identity\":{\"docker-reference\":\"" + REPO + "\"},\"image\":{\"docker-manifest-digest\":\"" + IMAGE
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
        assertThat(SimpleSigningPayload.parse(json)).isEqualTo(new SimpleSigningPayload(REPO, IMAGE, Map.of()));
    }

    @Test
    void manifestHasTagLayerAnnotationAndSubject() throws Exception {
        byte[] m = sign(null, KEY, IMAGE, REPO);
        var root = new ObjectMapper().readTree(m);
        assertThat(SignatureManifest.tagFor(IMAGE)).isEqualTo("sha256-" + IMAGE.hex() + ".sig");
        assertThat(root.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(root.path("subject").path("digest").asText()).isEqualTo(IMAGE.toString());
        assertThat(root.path("layers").get(0).path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
        assertThat(root.path("layers").get(0).path("annotations").path("dev.cosignproject.cosign/signature").asText()).isNotBlank();
        assertThat(blobs).containsKey(Digest.parse(root.path("config").path("digest").asText()));
    }

    @Test
    void validSignatureNamesItsKey() throws Exception {
        VerificationResult r = verify(sign(null, KEY, IMAGE, REPO), KEY.publicKey(), OTHER.publicKey());
        assertThat(r.keyIds()).containsExactly(KEY.keyId());
        assertThat(r.rejected()).isEmpty();
    }

    @Test
    void appendingKeepsEarlierSignaturesAndIsIdempotent() throws Exception {
        byte[] one = sign(null, KEY, IMAGE, REPO);
        byte[] two = sign(one, OTHER, IMAGE, REPO + ":1.0");
        assertThat(SignatureManifest.layers(two)).hasSize(2);
        assertThat(verify(two, KEY.publicKey(), OTHER.publicKey()).keyIds()).containsExactlyInAnyOrder(KEY.keyId(), OTHER.keyId());
        // the same signature again changes nothing
        var first = SignatureManifest.layers(one).get(0);
        var again = SignatureManifest.append(two, IMAGE, new CosignSignature(blobs.get(first.digest()), first.signature()), null);
        assertThat(again.changed()).isFalse();
        assertThat(SignatureManifest.layers(again.manifest())).hasSize(2);
    }

    @Test
    void unknownKeyIsRejected() throws Exception {
        VerificationResult r = verify(sign(null, OTHER, IMAGE, REPO), KEY.publicKey());
        assertThat(r.isSigned()).isFalse();
        assertThat(r.rejected()).singleElement().extracting(RejectedSignature::reason).asString().contains("any trusted key");
        assertThat(verify(sign(null, OTHER, IMAGE, REPO)).rejected().get(0).reason()).contains("no trusted keys");
    }

    @Test
    void signatureOverAnotherDigestIsRejected() throws Exception {
        VerificationResult r = verify(sign(null, KEY, OTHER_IMAGE, REPO), KEY.publicKey());
        assertThat(r.isSigned()).isFalse();
        assertThat(r.rejected().get(0).reason()).contains("another image digest " + OTHER_IMAGE);
    }

    @Test
    void replayFromAnotherRepositoryIsRejected() throws Exception {
        VerificationResult r = verify(sign(null, KEY, IMAGE, "registry.example.com:5000/other/app"), KEY.publicKey());
        assertThat(r.isSigned()).isFalse();
        assertThat(r.rejected().get(0).reason()).contains("replayed").contains("other/app");
        // same path on another host: rejected by the exact rule, accepted by the path-only rule
        byte[] m = sign(null, KEY, IMAGE, "mirror.example.org/team/app:2.0");
        assertThat(verify(m, KEY.publicKey()).isSigned()).isFalse();
        assertThat(SignatureVerifier.verify(m, blobs::get, IMAGE, IdentityRule.repositoryPath("team/app"), List.of(KEY.publicKey())).isSigned()).isTrue();
    }

    @Test
    void tagAndDigestSuffixesOfTheSignedReferenceAreIgnored() {
        assertThat(RULE.matches(REPO + ":v1")).isTrue();
        assertThat(RULE.matches(REPO + "@" + IMAGE)).isTrue();
        assertThat(RULE.matches(REPO + "x")).isFalse();
        assertThat(IdentityRule.repository("docker.io/library/nginx").matches("nginx:latest")).isTrue();
    }

    @Test
    void tamperedPayloadBlobIsRejected() throws Exception {
        byte[] m = sign(null, KEY, IMAGE, REPO);
        var layer = SignatureManifest.layers(m).get(0);
        blobs.put(layer.digest(), new String(blobs.get(layer.digest()), StandardCharsets.UTF_8).replace("team/app", "team/apq").getBytes(StandardCharsets.UTF_8));
        assertThat(verify(m, KEY.publicKey()).rejected().get(0).reason()).contains("tampered");
    }

    @Test
    void tamperedPayloadWithRewrittenManifestFailsTheSignature() throws Exception {
        byte[] m = sign(null, KEY, IMAGE, REPO);
        var layer = SignatureManifest.layers(m).get(0);
        byte[] forged = new String(blobs.get(layer.digest()), StandardCharsets.UTF_8).replace("team/app", "team/apq").getBytes(StandardCharsets.UTF_8);
        Digest forgedDigest = Digest.sha256(forged);
        blobs.put(forgedDigest, forged);
        byte[] rewritten = new String(m, StandardCharsets.UTF_8).replace(layer.digest().toString(), forgedDigest.toString()).getBytes(StandardCharsets.UTF_8);
        VerificationResult r = SignatureVerifier.verify(rewritten, blobs::get, IMAGE, IdentityRule.repository("registry.example.com:5000/team/apq"), List.of(KEY.publicKey()));
        assertThat(r.isSigned()).isFalse();
        assertThat(r.rejected().get(0).reason()).contains("does not verify");
    }

    @Test
    void malformedLayersAndPayloadsAreRejectedWithReasons() throws Exception {
        byte[] m = sign(null, KEY, IMAGE, REPO);
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(m);
        ObjectNode layer = (ObjectNode) root.path("layers").get(0);
        layer.put("mediaType", "application/octet-stream");
        assertThat(verify(new ObjectMapper().writeValueAsBytes(root), KEY.publicKey()).rejected().get(0).reason()).contains("not a simple-signing payload");
        assertThatThrownBy(() -> verify("not json".getBytes(), KEY.publicKey())).isInstanceOf(InvalidSignatureException.class);
        // a validly signed payload with an extra critical field (containers/image refuses it, so do we)
        byte[] weird = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + REPO + "\"},\"image\":{\"docker-manifest-digest\":\"" + IMAGE
                + "\"},\"type\":\"cosign container image signature\",\"extra\":1},\"optional\":null}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SimpleSigningPayload.parse(weird)).isInstanceOf(InvalidSignatureException.class).hasMessageContaining("unexpected field 'extra'");
        assertThatThrownBy(() -> SimpleSigningPayload.parse("{\"critical\":{}}".getBytes())).isInstanceOf(InvalidSignatureException.class).hasMessageContaining("lacks field 'optional'");
    }
}
