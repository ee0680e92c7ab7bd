package io.gatehouse.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy document (schema: {@code io/gatehouse/core/policy/policy.schema.json}, language: docs/policies.md).
 * Read with {@link PolicyDocuments#parse}, which validates before binding, so every instance here is well-formed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(int schemaVersion, String name, String description, Conditions conditions, Promotion promotion) {
    public Policy {
        conditions = conditions == null ? new Conditions(null, null, null, null) : conditions;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conditions(Vulnerabilities vulnerabilities, ReportAge report, Signatures signatures, TagPattern tag) {
    }

    // an empty maxCounts is written as absent: the schema rejects "maxCounts": {}, and absent reads back as empty
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Vulnerabilities(@JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> maxCounts, boolean ignoreUnfixed,
                                  List<AllowlistEntry> allowlist) {
        public Vulnerabilities {
            maxCounts = maxCounts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(maxCounts));
            allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
        }
    }

    /** An accepted vulnerability: does not count while the clock's UTC date is on or before {@code expires}. */
    public record AllowlistEntry(String id, String reason, String expires) {
        public LocalDate expiresOn() {
            return LocalDate.parse(expires);
        }
    }

    public record ReportAge(String maxAge) {
        public Duration maxAgeDuration() {
            return Duration.parse(maxAge);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Signatures(List<String> anyOf, List<String> allOf) {
        public Signatures {
            anyOf = anyOf == null ? null : List.copyOf(anyOf);
            allOf = allOf == null ? null : List.copyOf(allOf);
        }
    }

    public record TagPattern(String pattern) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Promotion(String targetRepository, String tagTemplate) {
        /** The template, {@code %n} (the source tag) when none is given. */
        public String effectiveTagTemplate() {
            return tagTemplate == null ? "%n" : tagTemplate;
        }
    }
}
