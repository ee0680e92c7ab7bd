package io.gatehouse.registry.ui.admin;

/**
 * A form that cannot even be turned into an API call (a required field left empty, a name where one path segment
 * goes holding a '/'): shown next to {@code field} like the API's own errors.
 */
final class Invalid extends RuntimeException {
    private final String field;

    Invalid(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
