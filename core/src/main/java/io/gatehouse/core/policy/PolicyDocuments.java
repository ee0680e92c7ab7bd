package io.gatehouse.core.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.gatehouse.core.reference.RepositoryName;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and writes policy documents. Reading validates against the published JSON schema
 * ({@link #SCHEMA_RESOURCE}), then checks what a schema cannot (regular expressions compile, dates exist, the tag
 * template renders, the target is a valid repository name); every problem is reported with its JSON path.
 */
public final class PolicyDocuments {
    public static final String SCHEMA_RESOURCE = "/io/gatehouse/core/policy/policy.schema.json";
    /** Bigger documents are refused before parsing: policies are a few kilobytes. */
    public static final int MAX_DOCUMENT_CHARS = 256 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Schema SCHEMA = loadSchema();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private PolicyDocuments() {
    }

    /** The schema text, for publishing (the management API serves it). */
    public static String schema() {
        try (InputStream in = PolicyDocuments.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Policy parse(String json) {
        if (json == null || json.isBlank()) throw new PolicyValidationException(List.of(new PolicyError("$", "the policy document is empty")));
        if (json.length() > MAX_DOCUMENT_CHARS) {
            throw new PolicyValidationException(List.of(new PolicyError("$", "the policy document is larger than " + MAX_DOCUMENT_CHARS + " characters")));
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new PolicyValidationException(List.of(new PolicyError("$", "not valid JSON" + where + ": " + e.getOriginalMessage())));
        }
        List<PolicyError> errors = new ArrayList<>();
        for (Error e : SCHEMA.validate(json, InputFormat.JSON)) {
            errors.add(new PolicyError(jsonPath(e.getInstanceLocation()), e.getMessage()));
        }
        if (errors.isEmpty()) semanticChecks(tree, errors);
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(PolicyError::path));
            throw new PolicyValidationException(errors);
        }
        try {
            return JSON.treeToValue(tree, Policy.class);
        } catch (JsonProcessingException e) {
            // the schema should have caught it; still a client error, not a crash
            throw new PolicyValidationException(List.of(new PolicyError("$", "cannot read the policy: " + e.getOriginalMessage())));
        }
    }

    public static String toJson(Policy policy) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void semanticChecks(JsonNode root, List<PolicyError> errors) {
        JsonNode c = root.path("conditions");
        JsonNode pattern = c.path("tag").path("pattern");
        if (pattern.isTextual()) {
            try {
                Pattern.compile(pattern.asText());
            } catch (PatternSyntaxException e) {
                errors.add(new PolicyError("$.conditions.tag.pattern", "not a valid regular expression: " + e.getDescription()));
            }
        }
        JsonNode maxAge = c.path("report").path("maxAge");
        if (maxAge.isTextual()) {
            try {
                Duration d = Duration.parse(maxAge.asText());
                if (d.isZero()) errors.add(new PolicyError("$.conditions.report.maxAge", "must be longer than zero"));
            } catch (DateTimeParseException e) {
                errors.add(new PolicyError("$.conditions.report.maxAge", "not an ISO-8601 duration such as P7D or PT12H"));
            }
        }
        JsonNode allowlist = c.path("vulnerabilities").path("allowlist");
        for (int i = 0; i < allowlist.size(); i++) {
            String expires = allowlist.get(i).path("expires").asText("");
            try {
                LocalDate.parse(expires);
            } catch (DateTimeException e) {
                errors.add(new PolicyError("$.conditions.vulnerabilities.allowlist[" + i + "].expires", "'" + expires + "' is not a calendar date"));
            }
        }
        JsonNode promotion = root.path("promotion");
        if (promotion.isObject()) {
            String target = promotion.path("targetRepository").asText("");
            if (!RepositoryName.isValid(target)) {
                errors.add(new PolicyError("$.promotion.targetRepository", "'" + target + "' is not a valid repository name (lowercase path components)"));
            }
            JsonNode template = promotion.path("tagTemplate");
            if (template.isTextual()) {
                String problem = TagTemplate.problem(template.asText());
                if (problem != null) errors.add(new PolicyError("$.promotion.tagTemplate", problem));
            }
        }
    }

    /** {@code $.a.b[0]}: JSONPath, the form our API error bodies and the semantic checks use. */
    private static String jsonPath(NodePath path) {
        StringBuilder sb = new StringBuilder("$");
        for (int i = 0; i < path.getNameCount(); i++) {
            Object el = path.getElement(i);
            if (el instanceof Integer n) sb.append('[').append(n).append(']');
            else if (IDENTIFIER.matcher(String.valueOf(el)).matches()) sb.append('.').append(el);
            else sb.append("['").append(String.valueOf(el).replace("'", "\\'")).append("']");
        }
        return sb.toString();
    }

    private static Schema loadSchema() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        return registry.getSchema(schema(), InputFormat.JSON);
    }
}
