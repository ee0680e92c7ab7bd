package io.gatehouse.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyDocumentsTest {
    static final String KEY_A = "sha256:" + "a".repeat(64);
    static final String FULL = """
            {
              "schemaVersion": 1,
              "name": "prod-gate",
              "description": "what production accepts",
              "conditions": {
                "vulnerabilities": {
                  "maxCounts": {"critical": 0, "high": 2},
                  "ignoreUnfixed": true,
                  "allowlist": [{"id": "CVE-2024-0001", "reason": "not reachable in our use", "expires": "2027-01-31"}]
                },
                "report": {"maxAge": "P7D"},
                "signatures": {"anyOf": ["%s"]},
                "tag": {"pattern": "v[0-9]+\\\\.[0-9]+\\\\.[0-9]+"}
              },
              "promotion": {"targetRepository": "prod/app", "tagTemplate": "%%n-%%Y%%m%%d-%%d12"}
            }
            """.formatted(KEY_A);

    private static List<PolicyError> errorsOf(String json) {
        try {
            PolicyDocuments.parse(json);
        } catch (PolicyValidationException e) {
            assertThat(e.getMessage()).startsWith("invalid policy: ");
            return e.errors();
        }
        throw new AssertionError("expected a validation error for " + json);
    }

    @Test
    void readsAFullDocument() {
        Policy p = PolicyDocuments.parse(FULL);
        assertThat(p.name()).isEqualTo("prod-gate");
        assertThat(p.conditions().vulnerabilities().maxCounts()).containsEntry("critical", 0).containsEntry("high", 2);
        assertThat(p.conditions().vulnerabilities().allowlist()).singleElement().extracting(Policy.AllowlistEntry::id).isEqualTo("CVE-2024-0001");
        assertThat(p.conditions().report().maxAgeDuration().toDays()).isEqualTo(7);
        assertThat(p.conditions().signatures().anyOf()).containsExactly(KEY_A);
        assertThat(p.promotion().tagTemplate()).isEqualTo("%n-%Y%m%d-%d12");
        // and it round-trips
        assertThat(PolicyDocuments.parse(PolicyDocuments.toJson(p))).isEqualTo(p);
    }

    @Test
    void minimalDocumentHasNoConditions() {
        Policy p = PolicyDocuments.parse("{\"schemaVersion\":1,\"name\":\"open\"}");
        assertThat(p.conditions().vulnerabilities()).isNull();
        assertThat(p.promotion()).isNull();
    }

    @Test
    void schemaErrorsCarryJsonPaths() {
        List<PolicyError> errors = errorsOf("""
                {"schemaVersion": 1, "name": "Bad Name",
                 "conditions": {"vulnerabilities": {"maxCounts": {"critical": -1, "severe": 1},
                                                    "allowlist": [{"id": "CVE-2024-1", "expires": "2027-01-01"}]},
                                "signatures": {"anyOf": ["not-a-key-id"]},
                                "colour": "blue"}}
                """);
        assertThat(errors).extracting(PolicyError::path).contains(
                "$.name",
                "$.conditions.vulnerabilities.maxCounts.critical",
                "$.conditions.vulnerabilities.maxCounts",
                "$.conditions.vulnerabilities.allowlist[0]",
                "$.conditions.signatures.anyOf[0]",
                "$.conditions");
        assertThat(errors.toString()).contains("severe", "reason", "colour");
    }

    @Test
    void missingRequiredFieldsAndWrongTypes() {
        assertThat(errorsOf("{\"name\":\"x\"}")).extracting(PolicyError::path).containsExactly("$");
        assertThat(errorsOf("{\"schemaVersion\":2,\"name\":\"x\"}")).extracting(PolicyError::path).containsExactly("$.schemaVersion");
        assertThat(errorsOf("{\"schemaVersion\":1,\"name\":\"x\",\"conditions\":{\"report\":{\"maxAge\":7}}}"))
                .extracting(PolicyError::path).contains("$.conditions.report.maxAge");
        assertThat(errorsOf("[]")).extracting(PolicyError::path).containsExactly("$");
    }

    @Test
    void semanticErrorsCarryJsonPaths() {
        List<PolicyError> errors = errorsOf("""
                {"schemaVersion": 1, "name": "x",
                 "conditions": {"tag": {"pattern": "v[0-9"}, "report": {"maxAge": "PT0S"},
                                "vulnerabilities": {"allowlist": [{"id": "CVE-2024-1", "reason": "ok for now", "expires": "2027-02-30"}]}},
                 "promotion": {"targetRepository": "Prod/App", "tagTemplate": "%n-%q"}}
                """);
        assertThat(errors).extracting(PolicyError::path).containsExactly(
                "$.conditions.report.maxAge",
                "$.conditions.tag.pattern",
                "$.conditions.vulnerabilities.allowlist[0].expires",
                "$.promotion.tagTemplate",
                "$.promotion.targetRepository");
        assertThat(errors.toString()).contains("regular expression", "calendar date", "%q", "repository name");
    }

    @Test
    void syntaxErrorsAndEmptyDocuments() {
        assertThatThrownBy(() -> PolicyDocuments.parse("{\"schemaVersion\": 1,")).isInstanceOf(PolicyValidationException.class)
                .hasMessageContaining("$: not valid JSON at line 1");
        assertThatThrownBy(() -> PolicyDocuments.parse("")).isInstanceOf(PolicyValidationException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PolicyDocuments.parse("{\"schemaVersion\":1,\"name\":\"a\",\"name\":\"b\"}"))
                .isInstanceOf(PolicyValidationException.class).hasMessageContaining("Duplicate field");
        assertThatThrownBy(() -> PolicyDocuments.parse("{\"schemaVersion\":1,\"name\":\"a\"} {}"))
                .isInstanceOf(PolicyValidationException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PolicyDocuments.parse(" ".repeat(300_000) + "{}"))
                .isInstanceOf(PolicyValidationException.class).hasMessageContaining("larger than");
    }

    @Test
    void schemaIsPublishedAsAResource() {
        assertThat(PolicyDocuments.schema()).contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
    }
}
