package io.gatehouse.registry.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code scope} parameters of token requests. Properties: only the documented IllegalArgumentException
 * escapes; an accepted scope has a non-empty type and name and well-formed actions; it prints to a form that
 * parses back to the same scope.
 */
class ScopeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void scope(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        Scope scope;
        try {
            scope = Scope.parse(s);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(scope.type()).matches("[a-z0-9]+");
        assertThat(scope.name()).isNotEmpty();
        assertThat(scope.actions()).allMatch(a -> a.matches("[a-z*]+"));
        assertThat(Scope.parse(scope.toString())).isEqualTo(scope);
    }
}
