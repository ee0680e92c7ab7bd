package io.gatehouse.core.remote;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthUnitsTest {
    @Test
    void parsesChallenges() {
        List<AuthChallenge> c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull,push\", Basic realm=\"x y\"");
        assertThat(c).hasSize(2);
        assertThat(c.get(0).isBearer()).isTrue();
        assertThat(c.get(0).param("realm")).isEqualTo("https://auth.docker.io/token");
        assertThat(c.get(0).param("scope")).isEqualTo("repository:library/alpine:pull,push");
        assertThat(c.get(1).isBasic()).isTrue();
        assertThat(c.get(1).param("realm")).isEqualTo("x y");
        assertThat(AuthChallenge.parse("Basic")).singleElement().extracting(AuthChallenge::scheme).isEqualTo("basic");
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }

    @Test
    void readsDockerConfigJson() {
        String auth = Base64.getEncoder().encodeToString("alice:pa:ss".getBytes(StandardCharsets.UTF_8));
        DockerConfigCredentials c = DockerConfigCredentials.parse(("{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"quay.io\":{\"username\":\"bob\",\"password\":\"pw\"},"
                + "\"http://127.0.0.1:5000/v2/\":{\"identitytoken\":\"refresh\"}},"
                + "\"credHelpers\":{\"gcr.io\":\"gcloud\"}}").getBytes(StandardCharsets.UTF_8), "test");
        assertThat(c.forRegistry("docker.io")).get().extracting(Credentials::username).isEqualTo("alice");
        assertThat(c.forRegistry("docker.io").orElseThrow().password()).isEqualTo("pa:ss");
        assertThat(c.forRegistry("registry-1.docker.io")).isPresent();
        assertThat(c.forRegistry("quay.io").orElseThrow().password()).isEqualTo("pw");
        assertThat(c.forRegistry("127.0.0.1:5000").orElseThrow().hasIdentityToken()).isTrue();
        assertThat(c.forRegistry("gcr.io")).isEmpty();
        assertThat(c.forRegistry("docker.io").orElseThrow().toString()).doesNotContain("pa:ss");
        assertThat(c.toString()).doesNotContain("pw");
    }

    @Test
    void badDockerConfigNeverEchoesSecrets() {
        assertThatThrownBy(() -> DockerConfigCredentials.parse("{\"auths\":{\"x\":{\"auth\":\"%%secret%%\"}}}".getBytes(), "cfg"))
                .hasMessageContaining("not base64").hasMessageNotContaining("secret%%");
        assertThatThrownBy(() -> DockerConfigCredentials.parse("{secret".getBytes(), "cfg"))
                .hasMessageContaining("not valid JSON").hasMessageNotContaining("secret");
    }

    @Test
    void loopbackHostsDefaultToPlainHttp() {
        assertThat(RegistryClientBuilder.isLoopback("127.0.0.1:5000")).isTrue();
        assertThat(RegistryClientBuilder.isLoopback("localhost:5000")).isTrue();
        assertThat(RegistryClientBuilder.isLoopback("[::1]:5000")).isTrue();
        assertThat(RegistryClientBuilder.isLoopback("registry-1.docker.io")).isFalse();
        assertThat(RegistryClientBuilder.isLoopback("10.0.0.1:5000")).isFalse();
    }

    @Test
    void backoffGrowsAndIsBounded() {
        RetryPolicy p = RetryPolicy.defaults();
        for (int i = 1; i < 30; i++) assertThat(p.backoff(i)).isLessThanOrEqualTo(p.maxDelay());
        assertThat(p.backoff(1).toMillis()).isBetween(125L, 250L);
        assertThat(p.backoff(3).toMillis()).isBetween(500L, 1000L);
    }
}
