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
        CosignSignature sig = CosignSignature.sign(key, new SimpleSigningPayload(dockerReference, image, optional));
        byte[] existing = store.getManifest(repository, SignatureManifest.tagFor(image)).map(SignatureStore.Manifest::content).orElse(null);
        SignatureArtifacts a = SignatureManifest.append(existing, image, sig,
                new Subject(subject.mediaType(), image, subject.content().length));
        if (a.changed()) {
            for (SignatureArtifacts.Blob b : a.blobs()) store.putBlob(repository, b.digest(), b.content());
            store.putManifest(repository, a.tag(), a.mediaType(), a.manifest());
        }
        return a;
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
