package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.model.Run;
import hudson.util.Secret;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.IdentityRule;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SigningKey;
import io.gatehouse.core.sign.VerificationResult;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * signImage end to end against our own registry on loopback: the step reads a cosign-encrypted key from a
 * (mocked) secret-file credential, resolves the tag, signs the digest with core.sign, pushes the .sig manifest over
 * /v2; the signature is then verified from the registry with the public key. Only Jenkins is mocked.
 */
class SignImageRegistryTest {
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static RegistryServer server;
    static TestImages.Image image;
    static SigningKey key;
    static String keyPem;
    StepHarness h;

    @BeforeAll
    static void start() {
        server = resources.closeAfterAll(RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start());
        image = TestImages.image(7);
        new ImagePusher(server.baseUrl()).push("dev/alpine", "3.20", image);
        key = Keys.generate();
        keyPem = Keys.toCosignEncryptedPem(key, "correct horse".toCharArray());
    }

    private void credentials(String passphrase) throws Exception {
        h = resources.harness(server.baseUrl());
        FileCredentials file = mock(FileCredentials.class);
        when(file.getFileName()).thenReturn("cosign.key");
        when(file.getContent()).thenAnswer(inv -> new ByteArrayInputStream(keyPem.getBytes(StandardCharsets.US_ASCII)));
        h.credentials.when(() -> CredentialsProvider.findCredentialById(eq("release-key"), eq(FileCredentials.class), any(Run.class))).thenReturn(file);
        StringCredentials pass = mock(StringCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(passphrase);
        when(pass.getSecret()).thenReturn(secret);
        h.credentials.when(() -> CredentialsProvider.findCredentialById(eq("release-pass"), eq(StringCredentials.class), any(Run.class))).thenReturn(pass);
    }

    private SignImageStep step(String image) {
        SignImageStep s = new SignImageStep(image, "release-key");
        s.setPassphraseCredentialsId("release-pass");
        return s;
    }

    @Test
    void signsTheDigestAndTheSignatureVerifiesFromTheRegistry() throws Exception {
        credentials("correct horse");
        Map<String, String> result = new SignImageStep.Execution(step("dev/alpine:3.20"), h.context, h.environment(RegistryGatehouseService::new)).run();

        assertThat(result.get("imageDigest")).isEqualTo(image.manifest().digest());
        assertThat(result.get("keyId")).isEqualTo(key.keyId());
        assertThat(Digest.isDigest(result.get("signatureDigest"))).isTrue();
        assertThat(h.openedWith).containsExactly(RegistryAuth.ANONYMOUS);

        var service = new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), null);
        String host = URI.create(server.baseUrl()).getAuthority();
        VerificationResult verified = new ImageSigner(service.signatureStore()).verify("dev/alpine", Digest.parse(result.get("imageDigest")),
                IdentityRule.repository(host + "/dev/alpine"), List.of(key.publicKey()));
        assertThat(verified.valid()).hasSize(1);
        assertThat(verified.rejected()).isEmpty();
        assertThat(h.log()).contains("Signed dev/alpine@" + image.manifest().digest()).doesNotContain("correct horse");
    }

    @Test
    void signingTheSameDigestAgainWithTheSameKeyWritesNothing() throws Exception {
        TestImages.Image other = TestImages.image(8);
        new ImagePusher(server.baseUrl()).push("dev/resign", "1.0", other);
        credentials("correct horse");
        var service = new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), null);
        Map<String, String> first = new SignImageStep.Execution(step("dev/resign:1.0"), h.context, h.environment(RegistryGatehouseService::new)).run();
        Map<String, String> again = new SignImageStep.Execution(step("dev/resign:1.0"), h.context, h.environment(RegistryGatehouseService::new)).run();

        // the registry's .sig manifest is the same one, with one signature layer
        assertThat(again.get("signatureDigest")).isEqualTo(first.get("signatureDigest"));
        String sigTag = io.gatehouse.core.sign.SignatureManifest.tagFor(Digest.parse(first.get("imageDigest")));
        byte[] manifest = service.signatureStore().getManifest("dev/resign", sigTag).orElseThrow().content();
        assertThat(io.gatehouse.core.sign.SignatureManifest.layers(manifest)).hasSize(1);
        assertThat(h.log()).contains("is already signed by key " + key.keyId());

        // another key is another statement: a second layer
        SigningKey second = Keys.generate();
        keyPem = Keys.toCosignEncryptedPem(second, "correct horse".toCharArray());
        try {
            new SignImageStep.Execution(step("dev/resign:1.0"), h.context, h.environment(RegistryGatehouseService::new)).run();
        } finally {
            keyPem = Keys.toCosignEncryptedPem(key, "correct horse".toCharArray());
        }
        manifest = service.signatureStore().getManifest("dev/resign", sigTag).orElseThrow().content();
        assertThat(io.gatehouse.core.sign.SignatureManifest.layers(manifest)).hasSize(2);
    }

    @Test
    void aWrongPassphraseOrAMissingImageFailsClearly() throws Exception {
        credentials("hunter2-xyz");
        assertThatThrownBy(() -> new SignImageStep.Execution(step("dev/alpine:3.20"), h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(IOException.class).hasMessageContaining("cannot read the signing key 'cosign.key'").hasMessageNotContaining("hunter2-xyz");
        h.close();
        credentials("correct horse");
        assertThatThrownBy(() -> new SignImageStep.Execution(step("dev/alpine:9.99"), h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(IOException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> new SignImageStep.Execution(step("elsewhere.example.com/dev/alpine:3.20"), h.context,
                h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(IOException.class).hasMessageContaining("not in the configured registry");
    }
}
