package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.model.Run;
import hudson.util.Secret;
import io.gatehouse.jenkins.service.SignatureOutcome;
import io.gatehouse.jenkins.service.SigningKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class SignImageStepTest {
    static final String PEM = "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n";
    final StepHarness h;

    SignImageStepTest() throws Exception {
        h = new StepHarness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private FileCredentials keyFile(String id) throws Exception {
        FileCredentials f = mock(FileCredentials.class);
        when(f.getFileName()).thenReturn("cosign.key");
        when(f.getContent()).thenAnswer(inv -> new ByteArrayInputStream(PEM.getBytes(StandardCharsets.US_ASCII)));
        h.credentials.when(() -> CredentialsProvider.findCredentialById(eq(id), eq(FileCredentials.class), any(Run.class))).thenReturn(f);
        return f;
    }

    private StringCredentials passphrase(String id, String value) {
        StringCredentials s = mock(StringCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(value);
        when(s.getSecret()).thenReturn(secret);
        h.credentials.when(() -> CredentialsProvider.findCredentialById(eq(id), eq(StringCredentials.class), any(Run.class))).thenReturn(s);
        return s;
    }

    @Test
    void signsWithTheKeyFromCredentialsAndWipesItAfterwards() throws Exception {
        FileCredentials file = keyFile("release-key");
        StringCredentials pass = passphrase("release-pass", "correct horse");
        byte[][] seenKey = new byte[1][];
        char[][] seenPass = new char[1][];
        when(h.service.sign(any(), any())).thenAnswer(inv -> {
            SigningKey k = inv.getArgument(1);
            seenKey[0] = k.keyBytes();
            seenPass[0] = k.passphrase();
            assertThat(new String(k.keyBytes(), StandardCharsets.US_ASCII)).isEqualTo(PEM);
            assertThat(new String(k.passphrase())).isEqualTo("correct horse");
            return new SignatureOutcome("sha256:" + "e".repeat(64), "sha256:" + "f".repeat(64), "SHA256:keyid");
        });
        SignImageStep s = new SignImageStep("dev/alpine:3.20", "release-key");
        s.setPassphraseCredentialsId("release-pass");

        Map<String, String> result = new SignImageStep.Execution(s, h.context, h.environment()).run();

        assertThat(result).containsEntry("imageDigest", "sha256:" + "e".repeat(64))
                .containsEntry("signatureDigest", "sha256:" + "f".repeat(64)).containsEntry("keyId", "SHA256:keyid");
        assertThat(seenKey[0]).containsOnly((byte) 0);
        assertThat(seenPass[0]).containsOnly('\0');
        h.credentials.verify(() -> CredentialsProvider.track(h.run, file));
        h.credentials.verify(() -> CredentialsProvider.track(h.run, pass));
        assertThat(h.log()).contains("Signed dev/alpine@sha256:eeee").doesNotContain("correct horse").doesNotContain("COSIGN PRIVATE KEY");
    }

    @Test
    void missingOrWrongCredentialsFailClearly() throws Exception {
        assertThatThrownBy(() -> new SignImageStep.Execution(new SignImageStep("dev/alpine:3.20", "absent"), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("'absent'").hasMessageContaining("secret file");
        keyFile("release-key");
        SignImageStep s = new SignImageStep("dev/alpine:3.20", "release-key");
        s.setPassphraseCredentialsId("absent-pass");
        assertThatThrownBy(() -> new SignImageStep.Execution(s, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("'absent-pass'");
        verify(h.service, never()).sign(any(), any());
    }

    @Test
    void signingKeyNeverPrintsItsBytes() {
        assertThat(new SigningKey("k", PEM.getBytes(StandardCharsets.US_ASCII), "pw".toCharArray()).toString())
                .doesNotContain("COSIGN").doesNotContain("pw");
        ArgumentCaptor.forClass(SigningKey.class);
    }

    @Test
    void descriptor() {
        assertThat(new SignImageStep.DescriptorImpl().getFunctionName()).isEqualTo("signImage");
    }
}
