package io.gatehouse.registry.api;

import io.gatehouse.registry.auth.Scope;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Path templates: single and multi-segment parameters, and the more specific route winning. */
class ApiRouteTest {

    static ApiRoute.Compiled compile(String path) {
        return ApiRoute.Compiled.of(ApiRoute.of("GET", path, Scope.self(), c -> ApiResult.noContent(), "x"));
    }

    @Test
    void multiSegmentParameters() {
        assertThat(compile("/repositories/{repo*}").match("/repositories/team/app/sub")).isEqualTo(Map.of("repo", "team/app/sub"));
        assertThat(compile("/repositories/{repo*}/permissions/{kind}/{grantee*}").match("/repositories/a/b/permissions/team/org/devs"))
                .isEqualTo(Map.of("repo", "a/b", "kind", "team", "grantee", "org/devs"));
        assertThat(compile("/users/{name}").match("/users/a/b")).isNull();
        assertThat(compile("/users/{name}").match("/users/")).isNull();
        assertThat(compile("/users").match("/users.json")).isNull();
    }

    @Test
    void moreLiteralTemplatesWinWhateverTheOrder() {
        ApiRouter r = new ApiRouter(new io.gatehouse.registry.auth.OpenAccess());
        r.add("GET", "/repositories/{repo*}", Scope.self(), c -> ApiResult.ok("settings"), "a");
        r.add("GET", "/repositories/{repo*}/permissions", Scope.self(), c -> ApiResult.ok("grants"), "b");
        assertThat(r.routes().get(0).path()).isEqualTo("/repositories/{repo*}/permissions");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.add("GET", "/repositories/{repo*}", Scope.self(), c -> null, "dup"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
