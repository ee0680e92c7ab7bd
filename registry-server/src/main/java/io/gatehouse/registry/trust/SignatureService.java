package io.gatehouse.registry.trust;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.IdentityRule;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.InvalidSignatureException;
import io.gatehouse.core.sign.RejectedSignature;
import io.gatehouse.core.sign.VerificationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The valid signatures of an image in a repository, against the keys that repository trusts. Identities are matched
 * on the repository path, any host: the registry cannot know every name its clients reach it by, and the path still
 * stops a signature from being replayed into another repository.
 */
public final class SignatureService {
    private final ImageSigner signer;
    private final TrustedKeys keys;

    public SignatureService(ImageSigner signer, TrustedKeys keys) {
        this.signer = signer;
        this.keys = keys;
    }

    public VerificationResult verify(String repository, Digest image) {
        try {
            return signer.verify(repository, image, IdentityRule.repositoryPath(repository), keys.forRepository(repository));
        } catch (InvalidSignatureException e) {
            return new VerificationResult(List.of(), List.of(new RejectedSignature("", "unreadable signature manifest: " + e.getMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
