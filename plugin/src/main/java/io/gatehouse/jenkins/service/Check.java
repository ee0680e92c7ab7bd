package io.gatehouse.jenkins.service;

/**
 * A form-validation result without Jenkins: the descriptors map it to {@code FormValidation} in one line, so the
 * validation rules themselves are plain, unit-tested Java.
 */
public record Check(Kind kind, String message) {
    public enum Kind { OK, WARNING, ERROR }

    public static Check ok() {
        return new Check(Kind.OK, null);
    }

    public static Check ok(String message) {
        return new Check(Kind.OK, message);
    }

    public static Check warning(String message) {
        return new Check(Kind.WARNING, message);
    }

    public static Check error(String message) {
        return new Check(Kind.ERROR, message);
    }
}
