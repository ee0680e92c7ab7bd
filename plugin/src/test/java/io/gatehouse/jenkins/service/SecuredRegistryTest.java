package io.gatehouse.jenkins.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.IdentityRule;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our registry with access control wired exactly as its Main does (AuthWiring), and Jenkins' credential as a
 * service account (name + token): Test connection, digest resolution, and signing (pushes by Basic on /v2).
 */
class SecuredRegistryTest {
    @TempDir
    static Path dir;
    static RegistryServer server;
    static AuthWiring wiring;
    static String token;
    static TestImages.Image image;

    @BeforeAll
    static void start() throws IOException {
        RegistryConfig config = RegistryConfig.forTesting(dir);
        RegistryServer.Builder b = RegistryServer.builder(config);
        wiring = TestRegistries.installAuth(b, config);
        server = b.build().start();
        token = wiring.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "test").token();
        image = TestImages.image(31);
        io.gatehouse.core.sign.SignatureStore push = service(new RegistryAuth("jenkins", token.toCharArray())).signatureStore();
        for (TestImages.Blob blob : concat(image.config(), image.layers())) {
            push.putBlob("team/app", Digest.parse(blob.digest()), blob.bytes());
        }
        push.putManifest("team/app", "1.0", image.manifest().mediaType(), image.manifest().bytes());
    }

    static List<TestImages.Blob> concat(TestImages.Blob first, List<TestImages.Blob> rest) {
        var all = new java.util.ArrayList<TestImages.Blob>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static RegistryGatehouseService service(RegistryAuth auth) {
        return new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), auth);
    }

    @Test
    void testConnectionWithAServiceAccountToken() {
        assertThat(service(new RegistryAuth("jenkins", token.toCharArray())).testConnection().kind()).isEqualTo(Check.Kind.OK);
        assertThat(service(RegistryAuth.ANONYMOUS).testConnection().kind()).isEqualTo(Check.Kind.WARNING);
        Check wrong = service(new RegistryAuth("jenkins", "ghsa_not-the-token".toCharArray())).testConnection();
        assertThat(wrong.kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(wrong.message()).doesNotContain("not-the-token");
    }

    @Test
    void signsAsTheServiceAccountAndAnonymousCannotEvenSeeTheImage() throws Exception {
        var key = Keys.generate();
        RegistryGatehouseService jenkins = service(new RegistryAuth("jenkins", token.toCharArray()));
        SignatureOutcome out = jenkins.sign(ImageArgument.parse("team/app:1.0", server.registryHost()),
                new SigningKey("release.pem", Keys.toPkcs8Pem(key).getBytes(StandardCharsets.US_ASCII), null));
        assertThat(out.imageDigest()).isEqualTo(image.manifest().digest());
        var verified = new ImageSigner(jenkins.signatureStore()).verify("team/app", Digest.parse(out.imageDigest()),
                IdentityRule.repositoryPath("team/app"), List.of(key.publicKey()));
        assertThat(verified.valid()).hasSize(1);
        assertThatThrownBy(() -> service(RegistryAuth.ANONYMOUS).resolveDigest(ImageArgument.parse("team/app:1.0", server.registryHost())))
                .isInstanceOf(IOException.class);
    }
}
