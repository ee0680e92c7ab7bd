package io.gatehouse.registry.ui.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.registry.ui.policies.PolicyModel.FieldError;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy form (a name and a document) as the body of {@code POST /api/v1/policies}, and the API's answer placed
 * back on the form's fields. The API decides what is valid; this only joins the two fields into one document and
 * says, for each problem the API names by JSON path, on which line of the typed text and in which condition it is.
 *
 * @param name     the name field ("" when empty)
 * @param document the document exactly as typed
 */
record PolicyForm(String name, String document) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API's {@code detail} entries: {@code "$.path: message"} (docs/api.md). */
    private static final Pattern DETAIL = Pattern.compile("^(\\$(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[\\d+]|\\['(?:[^'\\\\]|\\\\.)*'])*): (.*)$", Pattern.DOTALL);
    private static final Pattern AT_LINE = Pattern.compile(" at line (\\d+), column (\\d+)");

    /** What {@link #body()} gives: a body to send to the API, or the form's own problem. */
    sealed interface Prepared permits Send, Errors {
    }

    record Send(byte[] body) implements Prepared {
    }

    /** Problems, each on its field. */
    record Errors(List<FieldError> name, List<FieldError> document) implements Prepared {
    }

    /**
     * The body to send, or the form's own problem: the name field names the policy, so it goes into the document
     * (after {@code schemaVersion}) when the document has no name; a document naming another policy is a conflict
     * for the user to settle, not something to overwrite silently. A document that is not a JSON object is sent as
     * typed, for the API to refuse with its own words.
     */
    Prepared body() {
        if (name.isBlank()) return new Send(document.getBytes(StandardCharsets.UTF_8));
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            return new Send(document.getBytes(StandardCharsets.UTF_8));
        }
        if (!(root instanceof ObjectNode object)) return new Send(document.getBytes(StandardCharsets.UTF_8));
        JsonNode typed = object.get("name");
        if (typed != null && !typed.isNull()) {
            if (typed.isTextual() && typed.asText().equals(name)) return new Send(document.getBytes(StandardCharsets.UTF_8));
            return new Errors(List.of(new FieldError("", "$.name", "the document names the policy " + typed
                    + " but this field says \"" + name + "\": make them the same")), List.of());
        }
        ObjectNode withName = JSON.createObjectNode();
        if (object.has("schemaVersion")) withName.set("schemaVersion", object.get("schemaVersion"));
        withName.put("name", name);
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!e.getKey().equals("schemaVersion")) withName.set(e.getKey(), e.getValue());
        }
        return new Send(withName.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The API's 400 {@code POLICY_INVALID} details ({@code "$.path: message"}), each on its field with its line. */
    Errors placeDetails(List<String> details) {
        DocumentLines lines = new DocumentLines(document);
        List<FieldError> onName = new ArrayList<>();
        List<FieldError> onDocument = new ArrayList<>();
        for (String d : details) {
            Matcher m = DETAIL.matcher(d);
            String path = m.matches() ? m.group(1) : "$";
            String message = m.matches() ? m.group(2) : d;
            if (path.equals("$.name") || (path.equals("$") && message.contains("'name'"))) {
                onName.add(new FieldError("", path, message));
                continue;
            }
            List<String> where = new ArrayList<>();
            lines.line(path).ifPresent(l -> where.add("line " + l));
            String condition = condition(path);
            if (condition != null) where.add(condition);
            onDocument.add(new FieldError(String.join(", ", where), path, message));
        }
        return new Errors(onName, onDocument);
    }

    /** Any other refusal of the body (not JSON, not an object): on the document, with the line the API names. */
    Errors placeMessage(String message) {
        Matcher at = AT_LINE.matcher(message);
        String where = at.find() ? "line " + at.group(1) + ", column " + at.group(2) : "";
        return new Errors(List.of(), List.of(new FieldError(where, "$", message)));
    }

    /** "condition vulnerabilities" for {@code $.conditions.vulnerabilities…}, "promotion" for {@code $.promotion…}. */
    static String condition(String path) {
        if (path.startsWith("$.conditions.")) {
            String rest = path.substring("$.conditions.".length());
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') end++;
            return "condition " + rest.substring(0, end);
        }
        if (path.equals("$.promotion") || path.startsWith("$.promotion.")) return "promotion";
        return null;
    }
}
