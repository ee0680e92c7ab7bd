package io.gatehouse.core.sign;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The outcome of verifying an image's signatures: the valid ones and why the others were rejected. */
public record VerificationResult(List<VerifiedSignature> valid, List<RejectedSignature> rejected) {
    public VerificationResult {
        valid = List.copyOf(valid);
        rejected = List.copyOf(rejected);
    }

    public static VerificationResult unsigned() {
        return new VerificationResult(List.of(), List.of());
    }

    /** Ids of the trusted keys with at least one valid signature: the input of a policy's signature conditions. */
    public Set<String> keyIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (VerifiedSignature v : valid) ids.add(v.keyId());
        return ids;
    }

    public boolean isSigned() {
        return !valid.isEmpty();
    }
}
