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
 * containers/image's sigstore support, through the sigstore-enabled skopeo 1.18 (Debian 12's skopeo 1.9 has sigstore
 * compiled out): its policy.json {@code sigstoreSigned} requirement accepts our signatures and refuses unsigned images
 * or other keys; signatures skopeo makes with {@code --sign-by-sigstore-private-key} verify with our verifier.
 */
class SkopeoSigstoreInteropTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static HttpSignatureStore store;
    static Path skopeo;
    static Path registriesD;
    static SigningKey key;
    static Path ourPub;

    @BeforeAll
    static void start() throws Exception {
        skopeo = ExternalTools.requireSigstoreSkopeo();
        registry = DistributionRegistry.start(dir);
        store = new HttpSignatureStore(registry.url());
        registriesD = Files.createDirectories(dir.resolve("registries.d"));
        Files.writeString(registriesD.resolve("gatehouse-test.yaml"), """
                docker:
                  %s:
                    use-sigstore-attachments: true
                """.formatted(registry.hostPort()));
        key = Keys.generate();
        ourPub = Files.writeString(dir.resolve("ours.pub"), key.publicKey().toPem());
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    private static Path policy(String name, Path pub, String signedIdentity) throws Exception {
        String identity = signedIdentity == null ? "" : ", \"signedIdentity\": " + signedIdentity;
        return Files.writeString(dir.resolve(name + "-policy.json"), """
                {"default": [{"type": "sigstoreSigned", "keyPath": "%s"%s}]}
                """.formatted(pub, identity));
    }

    private Tools.Run copy(Path policy, String source, String name) throws Exception {
        Path out = dir.resolve("out-" + name);
        List<String> cmd = new ArrayList<>(List.of(skopeo.toString(), "copy", "--policy", policy.toString(), "--registries.d", registriesD.toString(),
                "--src-tls-verify=false", "docker://" + source, "dir:" + out));
        return Tools.run(dir, Map.of(), cmd);
    }

    @Test
    void defaultIdentityRuleAcceptsOurSignatureOfRepoAndTagByDigestAndByTag() throws Exception {
        Digest image = store.pushImage("team/signed", "1.0", "signed");
        new ImageSigner(store).sign("team/signed", image, registry.hostPort() + "/team/signed:1.0", key, null);
        Path policy = policy("default-identity", ourPub, null);

        Tools.Run byDigest = copy(policy, registry.hostPort() + "/team/signed@" + image, "digest");
        assertThat(byDigest.exit()).as(byDigest.output()).isZero();
        Tools.Run byTag = copy(policy, registry.hostPort() + "/team/signed:1.0", "tag");
        assertThat(byTag.exit()).as(byTag.output()).isZero();
    }

    @Test
    void cosignStyleRepositoryIdentityNeedsMatchRepository() throws Exception {
        // cosign signs the bare repository; containers/image's default matchRepoDigestOrExact refuses name-only
        // identities, its documented setting for cosign signatures is matchRepository.
        Digest image = store.pushImage("team/bare", "1.0", "bare");
        new ImageSigner(store).sign("team/bare", image, registry.hostPort() + "/team/bare", key, null);

        Tools.Run strict = copy(policy("strict", ourPub, null), registry.hostPort() + "/team/bare@" + image, "bare-strict");
        assertThat(strict.exit()).isNotZero();
        assertThat(strict.output()).contains("is not accepted");
        Tools.Run byTag = copy(policy("match-repo", ourPub, "{\"type\": \"matchRepository\"}"), registry.hostPort() + "/team/bare:1.0", "bare-tag");
        assertThat(byTag.exit()).as(byTag.output()).isZero();
    }

    @Test
    void policyRefusesUnsignedImagesAndOtherKeys() throws Exception {
        Digest unsigned = store.pushImage("team/unsigned", "1.0", "unsigned");
        Tools.Run r = copy(policy("ours", ourPub, null), registry.hostPort() + "/team/unsigned@" + unsigned, "unsigned");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).containsIgnoringCase("signature");

        Digest image = store.pushImage("team/otherkey", "1.0", "otherkey");
        new ImageSigner(store).sign("team/otherkey", image, registry.hostPort() + "/team/otherkey", Keys.generate(), null);
        Tools.Run other = copy(policy("ours2", ourPub, null), registry.hostPort() + "/team/otherkey@" + image, "otherkey");
        assertThat(other.exit()).isNotZero();
        assertThat(other.output()).containsIgnoringCase("signature");
    }

    @Test
    void weVerifySignaturesSkopeoMakesWithOurEncryptedKey() throws Exception {
        Digest source = store.pushImage("team/source", "1.0", "from-skopeo");
        SigningKey signer = Keys.generate();
        Path keyFile = Files.writeString(dir.resolve("skopeo-signer.key"), Keys.toCosignEncryptedPem(signer, "skopeo pass".toCharArray()));
        Path passFile = Files.writeString(dir.resolve("skopeo-pass"), "skopeo pass");
        Tools.Run r = Tools.run(dir, Map.of(), List.of(skopeo.toString(), "copy", "--insecure-policy", "--registries.d", registriesD.toString(),
                "--src-tls-verify=false", "--dest-tls-verify=false",
                "--sign-by-sigstore-private-key", keyFile.toString(), "--sign-passphrase-file", passFile.toString(),
                "docker://" + registry.hostPort() + "/team/source@" + source, "docker://" + registry.hostPort() + "/team/skopeo:2.0"));
        assertThat(r.exit()).as(r.output()).isZero();

        ImageSigner verifier = new ImageSigner(store);
        VerificationResult ok = verifier.verify("team/skopeo", source, IdentityRule.repository(registry.hostPort() + "/team/skopeo"), List.of(signer.publicKey()));
        assertThat(ok.keyIds()).containsExactly(signer.keyId());
        assertThat(ok.valid().get(0).dockerReference()).isEqualTo(registry.hostPort() + "/team/skopeo:2.0");
        assertThat(ok.valid().get(0).optional()).containsKey("creator");
        assertThat(verifier.verify("team/skopeo", source, IdentityRule.repository(registry.hostPort() + "/team/skopeo"), List.of(key.publicKey())).isSigned()).isFalse();
    }
}
