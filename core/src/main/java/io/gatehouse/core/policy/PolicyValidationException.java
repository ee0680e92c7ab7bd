package io.gatehouse.core.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy document that is not valid; {@link #errors()} lists every problem with its JSON path. */
public class PolicyValidationException extends RuntimeException {
    private final List<PolicyError> errors;

    public PolicyValidationException(List<PolicyError> errors) {
        super("invalid policy: " + errors.stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
