package io.gatehouse.registry.auth;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scope grammar of distribution's scope.md, including its traps. */
class ScopeTest {

    @Test
    void parsesTypeNameAndActions() {
        Scope s = Scope.parse("repository:samalba/my-app:pull,push");
        assertThat(s).isEqualTo(new Scope("repository", "samalba/my-app", Set.of("pull", "push")));
        assertThat(s.toString()).isEqualTo("repository:samalba/my-app:pull,push");
        assertThat(Scope.parse("registry:catalog:*").actions()).containsExactly("*");
    }

    @Test
    void aHostWithAPortInTheNameKeepsItsColon() {
        Scope s = Scope.parse("repository:localhost:5000/team/app:pull");
        assertThat(s.name()).isEqualTo("localhost:5000/team/app");
        assertThat(s.actions()).containsExactly("pull");
    }

    @Test
    void theDeprecatedResourceClassIsIgnored() {
        assertThat(Scope.parse("repository(plugin):team/app:pull").type()).isEqualTo("repository");
    }

    @Test
    void emptyActionsAreAllowed() {
        assertThat(Scope.parse("repository:team/app:").actions()).isEmpty();
    }

    @Test
    void malformedScopesAreRejected() {
        for (String bad : new String[]{"", "repository", "repository:team", ":team/app:pull", "repository::pull", "REPO:x:pull",
                "repository(plugin:x:pull", "repository:x:PULL", "repository:x:pull;rm", "a".repeat(600) + ":x:pull"}) {
            assertThatThrownBy(() -> Scope.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void satisfaction() {
        Scope push = Scope.repository("a/b", "pull", "push");
        assertThat(push.satisfiedBy(Set.of("pull"))).isFalse();
        assertThat(push.satisfiedBy(Set.of("pull", "push"))).isTrue();
        assertThat(push.satisfiedBy(Set.of("*"))).isTrue();
        assertThat(Scope.repository("a/b").satisfiedBy(Set.of())).isTrue();
    }
}
