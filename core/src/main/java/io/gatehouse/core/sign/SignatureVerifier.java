package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Verifies the signatures in a {@code .sig} manifest against trusted keys. A signature is valid when all hold:
 * the payload blob hashes to its layer digest; an ECDSA P-256/SHA-256 signature over it verifies with a trusted key;
 * the payload parses strictly (as containers/image parses it); it names the image's manifest digest; and it names the
 * expected repository ({@link IdentityRule}, the replay defence). Everything else is reported as rejected with a reason.
 */
public final class SignatureVerifier {
    /** Reads a blob of the repository the signatures live in. */
    @FunctionalInterface
    public interface BlobSource {
        byte[] read(Digest digest) throws IOException;
    }

    private SignatureVerifier() {
    }

    public static VerificationResult verify(byte[] signatureManifest, BlobSource blobs, Digest image,
                                            IdentityRule identity, Collection<TrustedKey> trusted) throws IOException {
        List<VerifiedSignature> valid = new ArrayList<>();
        List<RejectedSignature> rejected = new ArrayList<>();
        for (SignatureLayer layer : SignatureManifest.layers(signatureManifest)) {
            String id = layer.digest().toString();
            if (!SignatureManifest.SIMPLE_SIGNING_MEDIA_TYPE.equals(layer.mediaType())) {
                rejected.add(new RejectedSignature(id, "layer media type " + layer.mediaType() + " is not a simple-signing payload"));
                continue;
            }
            if (layer.signature() == null) {
                rejected.add(new RejectedSignature(id, "layer has no " + SignatureManifest.SIGNATURE_ANNOTATION + " annotation"));
                continue;
            }
            if (layer.size() < 0 || layer.size() > SignatureManifest.MAX_PAYLOAD_SIZE) {
                rejected.add(new RejectedSignature(id, "payload size " + layer.size() + " is outside 0.." + SignatureManifest.MAX_PAYLOAD_SIZE));
                continue;
            }
            byte[] payload = blobs.read(layer.digest());
            if (payload == null) {
                rejected.add(new RejectedSignature(id, "payload blob is missing"));
                continue;
            }
            if (!Digest.of(layer.digest().algorithm(), payload).equals(layer.digest()) || payload.length != layer.size()) {
                rejected.add(new RejectedSignature(id, "payload blob does not match its digest (tampered)"));
                continue;
            }
            rejected.addAll(check(id, new CosignSignature(payload, layer.signature()), image, identity, trusted, valid));
        }
        return new VerificationResult(valid, rejected);
    }

    /** Checks one signature; adds to {@code valid} or returns the rejection. */
    private static List<RejectedSignature> check(String id, CosignSignature sig, Digest image, IdentityRule identity,
                                                 Collection<TrustedKey> trusted, List<VerifiedSignature> valid) {
        TrustedKey signer = null;
        for (TrustedKey k : trusted) {
            if (sig.verifiesWith(k)) {
                signer = k;
                break;
            }
        }
        if (signer == null) {
            return List.of(new RejectedSignature(id, trusted.isEmpty() ? "no trusted keys configured"
                    : "signature does not verify with any trusted key (unknown key or tampered payload)"));
        }
        SimpleSigningPayload p;
        try {
            p = SimpleSigningPayload.parse(sig.payload());
        } catch (InvalidSignatureException e) {
            return List.of(new RejectedSignature(id, "signed by " + signer.keyId() + " but the payload is invalid: " + e.getMessage()));
        }
        if (!p.manifestDigest().equals(image)) {
            return List.of(new RejectedSignature(id, "signed by " + signer.keyId() + " for another image digest " + p.manifestDigest()));
        }
        if (!identity.matches(p.dockerReference())) {
            return List.of(new RejectedSignature(id, "signed by " + signer.keyId() + " for repository " + p.dockerReference()
                    + ", not " + identity.expected() + " (replayed from another repository?)"));
        }
        valid.add(new VerifiedSignature(signer.keyId(), p.dockerReference(), sig.payloadDigest(), p.optional()));
        return List.of();
    }
}
