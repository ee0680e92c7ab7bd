package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Signs images and verifies their signatures through a {@link SignatureStore}: the pure pieces
 * ({@link CosignSignature}, {@link SignatureManifest}, {@link SignatureVerifier}) wired to a registry.
 */
public final class ImageSigner {
    private final SignatureStore store;

    public ImageSigner(SignatureStore store) {
        this.store = store;
    }

    /**
     * Signs {@code image} in {@code repository} and appends the signature to its .sig manifest.
     *
     * @param dockerReference the identity to sign, as clients name the image. Prefer {@code host[:port]/team/app:tag}:
     *                        containers/image's default rule (matchRepoDigestOrExact) then accepts pulls by tag and
     *                        by digest. cosign's own choice, the bare {@code host/team/app}, is refused by that rule
     *                        (name-only identities never match) and needs {@code signedIdentity: matchRepository}.
     *                        cosign verify and our verifier ignore the tag.
     * @param optional        extra payload fields (creator, timestamp…); informative only
     */
    public SignatureArtifacts sign(String repository, Digest image, String dockerReference, SigningKey key,
                                   Map<String, Object> optional) throws IOException {
        SignatureStore.Manifest subject = store.getManifest(repository, image.toString())
                .orElseThrow(() -> new IOException("image " + repository + "@" + image + " does not exist"));
        Optional<SignatureStore.Manifest> current = store.getManifest(repository, SignatureManifest.tagFor(image));
        byte[] existing = current.map(SignatureStore.Manifest::content).orElse(null);
        if (existing != null && alreadySigned(existing, repository, image, dockerReference, key)) {
            // Idempotent: ECDSA signatures are randomized, so signing again would append another layer that says
            // exactly what a valid one already says (same key, same digest, same identity), on every promote or
            // sign run. Nothing is written; the caller learns it from changed() == false.
            return new SignatureArtifacts(SignatureManifest.tagFor(image), current.get().mediaType(), existing, Digest.sha256(existing),
                    java.util.List.of(), false);
        }
        CosignSignature sig = CosignSignature.sign(key, new SimpleSigningPayload(dockerReference, image, optional));
        SignatureArtifacts a = SignatureManifest.append(existing, image, sig,
                new Subject(subject.mediaType(), image, subject.content().length));
        if (a.changed()) {
            for (SignatureArtifacts.Blob b : a.blobs()) store.putBlob(repository, b.digest(), b.content());
            store.putManifest(repository, a.tag(), a.mediaType(), a.manifest());
        }
        return a;
    }

    /**
     * True when {@code existing} (the image's .sig manifest) already holds a signature that verifies with {@code key}'s
     * public half, for this digest, claiming exactly {@code dockerReference}. A different identity (another tag of the
     * same digest) is not the same statement: containers/image's default rule matches the signed tag, so it gets its
     * own layer. An unreadable manifest is not "signed": {@link SignatureManifest#append} then reports it.
     */
    private boolean alreadySigned(byte[] existing, String repository, Digest image, String dockerReference, SigningKey key) throws IOException {
        VerificationResult r;
        try {
            r = SignatureVerifier.verify(existing, d -> store.getBlob(repository, d), image,
                    IdentityRule.repository(dockerReference), java.util.List.of(key.publicKey()));
        } catch (InvalidSignatureException unreadable) {
            return false;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return r.valid().stream().anyMatch(v -> v.keyId().equals(key.keyId()) && v.dockerReference().equals(dockerReference));
    }

    /** The valid signatures of {@code image} (an unsigned image gives an empty result, not an error). */
    public VerificationResult verify(String repository, Digest image, IdentityRule identity, Collection<TrustedKey> trusted) throws IOException {
        Optional<SignatureStore.Manifest> sig = store.getManifest(repository, SignatureManifest.tagFor(image));
        if (sig.isEmpty()) return VerificationResult.unsigned();
        try {
            return SignatureVerifier.verify(sig.get().content(), d -> store.getBlob(repository, d), image, identity, trusted);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
