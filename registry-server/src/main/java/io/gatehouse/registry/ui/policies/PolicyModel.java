package io.gatehouse.registry.ui.policies;

import io.gatehouse.registry.ui.UiModel.Message;

import java.util.List;

/** What the policies page ({@code policies.jte}) renders: immutable, already worded; JTE escapes every string. */
public final class PolicyModel {
    private PolicyModel() {
    }

    public record PolicyVersion(int version, String createdBy, String createdAt, String document) {
    }

    /**
     * One problem the API found, placed for the reader.
     *
     * @param where "line 4, condition vulnerabilities" (empty when the whole document is meant)
     * @param path  the JSON path the API reports, e.g. {@code $.conditions.vulnerabilities.maxCounts.critical}
     */
    public record FieldError(String where, String path, String message) {
    }

    /** The edit form: what the user typed (kept after a refusal), and the API's errors on the field they belong to. */
    public record Editor(String action, String heading, String name, String document, List<FieldError> nameErrors,
                         List<FieldError> documentErrors) {
        public boolean invalid() {
            return !nameErrors.isEmpty() || !documentErrors.isEmpty();
        }
    }

    /** @param editor null for a caller who may not save policies (the API's {@code POST /policies}) */
    public record Policies(List<String> names, String name, List<Integer> versions, PolicyVersion left,
                           PolicyVersion right, Editor editor, Message saved) {
    }
}
