package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.ui.UiModel.Message;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the administration templates (src/main/jte/admin) render: immutable records, already worded. Every string is
 * data; JTE escapes it where it is written.
 */
public final class AdminModel {
    private AdminModel() {
    }

    /**
     * What every administration page carries besides its own content.
     *
     * @param current the section shown (for the sub-navigation)
     * @param message the outcome of the change just made (after its redirect), or of one that failed here
     * @param token   a service-account token to show this once, or null
     * @param problem the form that failed in this request, its field and values (never null)
     */
    public record Frame(String current, Message message, String token, Problem problem) {
        @Override
        public String toString() {
            return "Frame[current=" + current + ", message=" + message + ", token=" + (token == null ? null : "<redacted>") + "]";
        }
    }

    /**
     * A change the API refused: which form, which of its fields the message is about (null: the form as a whole),
     * the message, and the values sent (never passwords), so the form shows them again.
     */
    public record Problem(String form, String field, String message, Map<String, String> values) {
        public static final Problem NONE = new Problem(null, null, null, Map.of());

        public Problem {
            values = Map.copyOf(values);
        }

        /** The message when it is about {@code field} of {@code form}, else null. */
        public String on(String form, String field) {
            return form.equals(this.form) && field.equals(this.field) ? message : null;
        }

        /** Whether the message is about {@code form} as a whole (shown above it). */
        public String general(String form) {
            return form.equals(this.form) && field == null ? message : null;
        }

        /** What was sent in {@code field} of {@code form}, to fill the field again; null otherwise. */
        public String value(String form, String field) {
            return form.equals(this.form) ? values.get(field) : null;
        }

        /** The message's id for {@code aria-describedby}, or null when the field has none. */
        public String describedBy(String form, String field) {
            return on(form, field) == null ? null : form + "-" + field + "-error";
        }

        public String invalid(String form, String field) {
            return on(form, field) == null ? null : "true";
        }
    }

    // users

    public record UserRow(String name, boolean systemAdmin, boolean disabled, String createdAt, boolean self) {
    }

    public record Users(Frame frame, List<UserRow> users, int minPassword, int maxPassword) {
    }

    // service accounts

    public record ServiceAccountRow(String name, String description, boolean systemAdmin, String state, boolean active,
                                    String createdBy, String createdAt) {
    }

    public record ServiceAccounts(Frame frame, List<ServiceAccountRow> accounts) {
    }

    // organisations and teams

    public record TeamView(String org, String name, List<String> members) {
        public String qualified() {
            return org + "/" + name;
        }
    }

    public record OrgView(String name, List<String> owners, List<TeamView> teams) {
    }

    public record Orgs(Frame frame, List<OrgView> orgs, List<String> teams, List<String> principals) {
    }

    // permissions

    /** A grant; {@code targetKind} is {@code org} or {@code repository}, {@code granteeKind} {@code principal} or {@code team}. */
    public record GrantRow(String targetKind, String target, String granteeKind, String grantee, String role) {
        public String targetLabel() {
            return ("org".equals(targetKind) ? "organisation " : "repository ") + target;
        }

        public String key() {
            return (targetKind + "-" + target + "-" + granteeKind + "-" + grantee).replace('/', '-').toLowerCase(Locale.ROOT);
        }
    }

    public record Permissions(Frame frame, List<GrantRow> grants, List<String> targets, List<String> grantees) {
    }

    // a repository's access settings

    public record RepositoryRow(String name, String visibility, String href) {
    }

    /** A curator: {@code kind} is {@code principal} or {@code team}. */
    public record Curator(String kind, String grantee) {
    }

    public record Gates(boolean protectedRepository, boolean immutableTags, String pullPolicy) {
    }

    /**
     * The repository list, and when {@code name} is set that repository's visibility, curators, grants and gates
     * ({@code gates} null in a registry without trust).
     */
    public record RepositoryAccess(Frame frame, List<RepositoryRow> repositories, String name, boolean hasContent,
                                   String visibility, List<Curator> curators, List<GrantRow> grants, Gates gates,
                                   List<String> policies, List<String> grantees) {
    }
}
