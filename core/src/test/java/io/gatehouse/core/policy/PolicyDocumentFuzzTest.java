package io.gatehouse.core.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy documents as administrators (or attackers with a leaked admin token) upload them. Properties: the only
 * exception is {@link PolicyValidationException}, with at least one error; an accepted policy is well-formed as
 * {@link Policy} promises (its dates, durations and tag pattern can be used without exceptions), and its JSON form
 * parses back to the same policy.
 */
class PolicyDocumentFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void policy(byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        Policy p;
        try {
            p = PolicyDocuments.parse(json);
        } catch (PolicyValidationException expected) {
            assertThat(expected.errors()).isNotEmpty();
            return;
        }
        Policy.Conditions c = p.conditions();
        if (c.vulnerabilities() != null) {
            c.vulnerabilities().allowlist().forEach(Policy.AllowlistEntry::expiresOn);
        }
        if (c.report() != null) {
            c.report().maxAgeDuration();
        }
        if (c.tag() != null) {
            Pattern.compile(c.tag().pattern());
        }
        assertThat(PolicyDocuments.parse(PolicyDocuments.toJson(p))).isEqualTo(p);
    }
}
