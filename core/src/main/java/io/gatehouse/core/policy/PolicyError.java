package io.gatehouse.core.policy;

/** One problem in a policy document: where (a JSON path such as {@code $.conditions.tag.pattern}) and what. */
public record PolicyError(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
