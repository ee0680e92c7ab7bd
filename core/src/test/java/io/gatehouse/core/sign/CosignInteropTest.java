package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our signatures and keys against the real cosign 2.5 (sigstore tools folder), on CNCF Distribution over loopback.
 * Keys only, no transparency log: --tlog-upload=false / --insecure-ignore-tlog=true.
 */
class CosignInteropTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static HttpSignatureStore store;
    static Path cosign;

    @BeforeAll
    static void start() {
        cosign = ExternalTools.require("cosign");
        registry = DistributionRegistry.start(dir);
        store = new HttpSignatureStore(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    private String ref(String repo, Digest d) {
        return registry.hostPort() + "/" + repo + "@" + d;
    }

    private Tools.Run cosign(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cosign.toString()));
        cmd.addAll(List.of(args));
        return Tools.run(dir, env, cmd);
    }

    @Test
    void cosignVerifiesOurSignatureAndRejectsAnotherKey() throws Exception {
        Digest image = store.pushImage("team/app", "1.0", "ours");
        SigningKey key = Keys.generate();
        new ImageSigner(store).sign("team/app", image, registry.hostPort() + "/team/app", key, null);
        Path pub = Files.writeString(dir.resolve("ours.pub"), key.publicKey().toPem());
        Path otherPub = Files.writeString(dir.resolve("other.pub"), Keys.generate().publicKey().toPem());

        Tools.Run ok = cosign(Map.of(), "verify", "--key", pub.toString(), "--insecure-ignore-tlog=true", "--allow-insecure-registry", ref("team/app", image));
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains(image.toString());

        Tools.Run bad = cosign(Map.of(), "verify", "--key", otherPub.toString(), "--insecure-ignore-tlog=true", "--allow-insecure-registry", ref("team/app", image));
        assertThat(bad.exit()).as(bad.output()).isNotZero();
    }

    @Test
    void weVerifyCosignSignaturesAppendedNextToOurs() throws Exception {
        Digest image = store.pushImage("team/both", "1.0", "both");
        SigningKey ours = Keys.generate();
        ImageSigner signer = new ImageSigner(store);
        signer.sign("team/both", image, registry.hostPort() + "/team/both", ours, null);

        Path key = Files.writeString(dir.resolve("cosign-generated.key"), TestKeys.resource("cosign-generated.key"));
        Tools.Run signed = cosign(Map.of("COSIGN_PASSWORD", new String(TestKeys.COSIGN_PASSPHRASE)),
                "sign", "--key", key.toString(), "--tlog-upload=false", "--allow-insecure-registry", "--yes", ref("team/both", image));
        assertThat(signed.exit()).as(signed.output()).isZero();

        TrustedKey cosignPub = Keys.readPublicKey(TestKeys.resource("cosign-generated.pub"));
        VerificationResult r = signer.verify("team/both", image, IdentityRule.repository(registry.hostPort() + "/team/both"),
                List.of(ours.publicKey(), cosignPub));
        assertThat(r.keyIds()).containsExactlyInAnyOrder(ours.keyId(), cosignPub.keyId());
        assertThat(r.rejected()).isEmpty();
        // and the replay rule holds against cosign's payloads too
        assertThat(signer.verify("team/both", image, IdentityRule.repository(registry.hostPort() + "/team/other"), List.of(cosignPub)).isSigned()).isFalse();
    }

    @Test
    void cosignSignsWithOurEncryptedKeyAndWeReadCosignsGeneratedKey() throws Exception {
        Digest image = store.pushImage("team/keys", "1.0", "keys");
        SigningKey ours = Keys.generate();
        Path ourKey = Files.writeString(dir.resolve("ours-encrypted.key"), Keys.toCosignEncryptedPem(ours, "pass phrase 1".toCharArray()));
        Tools.Run signed = cosign(Map.of("COSIGN_PASSWORD", "pass phrase 1"),
                "sign", "--key", ourKey.toString(), "--tlog-upload=false", "--allow-insecure-registry", "--yes", ref("team/keys", image));
        assertThat(signed.exit()).as(signed.output()).isZero();
        assertThat(new ImageSigner(store).verify("team/keys", image, IdentityRule.repository(registry.hostPort() + "/team/keys"),
                List.of(ours.publicKey())).keyIds()).containsExactly(ours.keyId());

        Path gen = Files.createDirectories(dir.resolve("gen"));
        Tools.Run generated = Tools.run(gen, Map.of("COSIGN_PASSWORD", "fresh-pass"), List.of(cosign.toString(), "generate-key-pair"));
        assertThat(generated.exit()).as(generated.output()).isZero();
        SigningKey fromCosign = Keys.readPrivateKey(Files.readString(gen.resolve("cosign.key")), "fresh-pass".toCharArray());
        assertThat(fromCosign.keyId()).isEqualTo(Keys.readPublicKey(Files.readString(gen.resolve("cosign.pub"))).keyId());
        new ImageSigner(store).sign("team/keys", image, registry.hostPort() + "/team/keys", fromCosign, null);
        Tools.Run ok = cosign(Map.of(), "verify", "--key", gen.resolve("cosign.pub").toString(), "--insecure-ignore-tlog=true",
                "--allow-insecure-registry", ref("team/keys", image));
        assertThat(ok.exit()).as(ok.output()).isZero();
    }
}
