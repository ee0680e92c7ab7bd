package io.gatehouse.registry.ui.admin;

import io.gatehouse.registry.ui.admin.AdminModel.Frame;

/** One administration page: what it shows, and the changes its forms make (each through one management API route). */
interface Section {

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

    /** The page's path, e.g. {@code /admin/users}. */
    String path();

    String title();

    /** The template under src/main/jte, e.g. {@code admin/users.jte}. */
    String template();

    /** The page's model, read after checking the API read routes it shows. */
    Object show(AdminRequest r, Frame frame);

    /** Makes the change the form's {@code action} asks for, through the API; throws what the API threw. */
    Done act(AdminRequest r, String action);

    /** The form field an API error message is about, for the form of {@code action}; null for the form as a whole. */
    String fieldOf(String action, String message);

    /**
     * Whether the form of {@code action} shows errors next to its fields; the one-button forms in table rows do not
     * (their errors are the page's message).
     */
    boolean showsFields(String action);

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
