package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.ui.admin.AdminModel.Frame;

import java.util.Set;

/** One administration page: what it shows, and the changes its forms make (each through one management API route). */
abstract class Section {

    /** What a change answers: the status message for the page it redirects to, maybe a token to show once. */
    record Done(String message, String token, String location) {
        Done(String message, String location) {
            this(message, null, location);
        }

        @Override
        public String toString() {
            return "Done[message=" + message + ", location=" + location + "]";
        }
    }

    private final String path;
    private final String title;
    private final String template;
    private final Set<String> fieldForms;

    /**
     * @param path       the page's path, e.g. {@code /admin/users}
     * @param template   under src/main/jte, e.g. {@code admin/users.jte}
     * @param fieldForms the actions whose forms show errors next to their fields; the one-button forms in table rows
     *                   do not (their errors are the page's message)
     */
    Section(String path, String title, String template, Set<String> fieldForms) {
        this.path = path;
        this.title = title;
        this.template = template;
        this.fieldForms = Set.copyOf(fieldForms);
    }

    final String path() {
        return path;
    }

    final String title() {
        return title;
    }

    final String template() {
        return template;
    }

    final boolean showsFields(String action) {
        return fieldForms.contains(action);
    }

    /** The page's model, read after checking the API read routes it shows. */
    abstract Object show(AdminRequest r, Frame frame);

    /** Makes the change the form's {@code action} asks for, through the API; throws what the API threw. */
    abstract Done act(AdminRequest r, String action);

    /** The form field an API error message is about, for the form of {@code action}; null for the form as a whole. */
    abstract String fieldOf(String action, String message);

    /**
     * The first field whose keyword the message contains (lowercased), from pairs {@code keyword, field, …} in
     * order of priority; null when none does.
     */
    static String field(String message, String... keywordThenField) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < keywordThenField.length; i += 2) {
            if (m.contains(keywordThenField[i])) return keywordThenField[i + 1];
        }
        return null;
    }
}
