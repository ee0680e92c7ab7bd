package io.gatehouse.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.ItemGroup;
import hudson.util.Secret;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.FreePort;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import jenkins.model.Jenkins;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;

/**
 * "Test connection" and digest resolution against a real registry on loopback: CNCF Distribution with htpasswd
 * Basic auth (our own registry, with service-account tokens, is in service.SecuredRegistryTest). Jenkins itself is
 * mocked only for the credential lookup.
 */
class RegistryConnectionTest {
    static final String USER = "robot";
    static final String PASSWORD = "s3cret-robot";
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static String pushedDigest;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.startWithBasicAuth(dir, USER, PASSWORD);
        pushedDigest = pushTinyImage(registry.url(), "mirror/tiny", "1.0");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static ConnectionSettings settings(String url) {
        return new ConnectionSettings(URI.create(url), null, false, Duration.ofSeconds(5));
    }

    @Test
    void testConnectionTellsOpenRejectedAndUnreachableApart() {
        assertThat(new RegistryGatehouseService(settings(registry.url()), new RegistryAuth(USER, PASSWORD.toCharArray())).testConnection())
                .satisfies(c -> assertThat(c.kind()).isEqualTo(Check.Kind.OK)).extracting(Check::message).asString().contains("OCI Distribution");
        assertThat(new RegistryGatehouseService(settings(registry.url()), RegistryAuth.ANONYMOUS).testConnection().kind())
                .isEqualTo(Check.Kind.WARNING);
        Check wrong = new RegistryGatehouseService(settings(registry.url()), new RegistryAuth(USER, "wrong".toCharArray())).testConnection();
        assertThat(wrong.kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(wrong.message()).contains("401").doesNotContain("wrong");
        Check down = new RegistryGatehouseService(settings("http://127.0.0.1:" + FreePort.pick()), RegistryAuth.ANONYMOUS).testConnection();
        assertThat(down.kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(down.message()).contains("Cannot reach");
    }

    @Test
    void theTestConnectionButtonUsesTheChosenGlobalCredential() {
        try (MockedStatic<Jenkins> js = mockStatic(Jenkins.class); MockedStatic<CredentialsProvider> cp = mockStatic(CredentialsProvider.class);
             MockedStatic<com.cloudbees.plugins.credentials.domains.URIRequirementBuilder> uri =
                     mockStatic(com.cloudbees.plugins.credentials.domains.URIRequirementBuilder.class)) {
            var builder = mock(com.cloudbees.plugins.credentials.domains.URIRequirementBuilder.class);
            when(builder.build()).thenReturn(List.of());
            uri.when(() -> com.cloudbees.plugins.credentials.domains.URIRequirementBuilder.fromUri(registry.url())).thenReturn(builder);
            Jenkins jenkins = mock(Jenkins.class);
            js.when(Jenkins::get).thenReturn(jenkins);
            StandardUsernamePasswordCredentials robot = mock(StandardUsernamePasswordCredentials.class);
            Secret secret = mock(Secret.class);
            when(secret.getPlainText()).thenReturn(PASSWORD);
            when(robot.getId()).thenReturn("registry-robot");
            when(robot.getUsername()).thenReturn(USER);
            when(robot.getPassword()).thenReturn(secret);
            // as SYSTEM on Jenkins itself, with the registry URL as domain requirement: the lookup builds use too
            cp.when(() -> CredentialsProvider.lookupCredentialsInItemGroup(eq(StandardCredentials.class), eq((ItemGroup) jenkins),
                    eq(hudson.security.ACL.SYSTEM2), eq(List.of()))).thenReturn(List.of(robot));
            GatehouseConfiguration c = TestConfigurations.unsaved();
            assertThat(c.testConnection(registry.url(), "registry-robot", null, false).kind()).isEqualTo(Check.Kind.OK);
            assertThat(c.testConnection(registry.url(), "unknown-id", null, false).message()).contains("'unknown-id'");
            assertThat(c.testConnection("not a url", null, null, false).kind()).isEqualTo(Check.Kind.ERROR);
        }
    }

    @Test
    void resolvesTagsToTheDigestTheRegistryServes() throws IOException {
        var service = new RegistryGatehouseService(settings(registry.url()), new RegistryAuth(USER, PASSWORD.toCharArray()));
        assertThat(service.resolveDigest(ImageArgument.parse("mirror/tiny:1.0", registry.hostPort()))).isEqualTo(pushedDigest);
        assertThat(service.resolveDigest(ImageArgument.parse("mirror/tiny@" + pushedDigest, registry.hostPort()))).isEqualTo(pushedDigest);
        assertThatThrownBy(() -> service.resolveDigest(ImageArgument.parse("mirror/tiny:2.0", registry.hostPort())))
                .isInstanceOf(IOException.class).hasMessageContaining("not found");
    }

    /** Pushes a config blob and an OCI manifest with no layers: the smallest image a registry accepts. */
    static String pushTinyImage(String base, String repo, String tag) throws IOException {
        OkHttpClient http = new OkHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256(config);
        String location;
        try (Response r = http.newCall(new Request.Builder().url(base + "/v2/" + repo + "/blobs/uploads/").header("Authorization", auth)
                .post(RequestBody.create(new byte[0])).build()).execute()) {
            assertThat(r.code()).isEqualTo(202);
            location = URI.create(base + "/").resolve(r.header("Location")).toString();
        }
        String put = location + (location.contains("?") ? "&" : "?") + "digest=" + configDigest;
        try (Response r = http.newCall(new Request.Builder().url(put).header("Authorization", auth)
                .put(RequestBody.create(config, MediaType.get("application/octet-stream"))).build()).execute()) {
            assertThat(r.code()).isEqualTo(201);
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        try (Response r = http.newCall(new Request.Builder().url(base + "/v2/" + repo + "/manifests/" + tag).header("Authorization", auth)
                .put(RequestBody.create(manifest, MediaType.get("application/vnd.oci.image.manifest.v1+json"))).build()).execute()) {
            assertThat(r.code()).as(r.body().string()).isEqualTo(201);
        }
        return Digest.sha256(manifest).toString();
    }
}
