package io.gatehouse.core.sign;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static io.gatehouse.core.sign.TestKeys.COSIGN_PASSPHRASE;
import static io.gatehouse.core.sign.TestKeys.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysTest {

    @Test
    void readsCosignGeneratedEncryptedKeyAndItMatchesItsPublicKey() {
        SigningKey key = Keys.readPrivateKey(resource("cosign-generated.key"), COSIGN_PASSPHRASE);
        TrustedKey pub = Keys.readPublicKey(resource("cosign-generated.pub"));
        assertThat(key.keyId()).isEqualTo(pub.keyId()).startsWith("sha256:").hasSize(71);
        assertThat(key.toString()).doesNotContain("gatehouse-test").contains(pub.keyId());
    }

    @Test
    void wrongPassphraseIsAClearErrorThatDoesNotEchoIt() {
        assertThatThrownBy(() -> Keys.readPrivateKey(resource("cosign-generated.key"), "not-the-passphrase".toCharArray()))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("wrong passphrase")
                .hasMessageNotContaining("not-the-passphrase");
    }

    @Test
    void encryptedRoundTripUsesCosignsPemTypeAndParameters() {
        SigningKey key = Keys.generate();
        String pem = Keys.toCosignEncryptedPem(key, "s3cret pass ✓".toCharArray());
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n").doesNotContain("s3cret");
        String body = new String(Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")));
        assertThat(body).contains("\"name\":\"scrypt\"", "\"N\":65536", "\"name\":\"nacl/secretbox\"", "\"ciphertext\"");
        assertThat(Keys.readPrivateKey(pem, "s3cret pass ✓".toCharArray()).keyId()).isEqualTo(key.keyId());
    }

    @Test
    void legacyCosignPemTypeIsAccepted() {
        String legacy = resource("cosign-generated.key").replace("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY");
        assertThat(Keys.readPrivateKey(legacy, COSIGN_PASSPHRASE).keyId())
                .isEqualTo(Keys.readPublicKey(resource("cosign-generated.pub")).keyId());
    }

    @Test
    void readsSec1AndPkcs8FormsOfTheSameKey() {
        String id = Keys.readPublicKey(resource("p256.pub")).keyId();
        assertThat(Keys.readPrivateKey(resource("p256-ec.key"), null).keyId()).isEqualTo(id);
        assertThat(Keys.readPrivateKey(resource("p256-pkcs8.key"), null).keyId()).isEqualTo(id);
    }

    @Test
    void pkcs8WriterRoundTrips() {
        SigningKey key = Keys.generate();
        assertThat(Keys.readPrivateKey(Keys.toPkcs8Pem(key), null).keyId()).isEqualTo(key.keyId());
        assertThat(Keys.readPublicKey(key.publicKey().toPem()).keyId()).isEqualTo(key.keyId());
    }

    @Test
    void unsupportedFormatsSayWhatTheyAre() {
        assertThatThrownBy(() -> Keys.readPrivateKey(resource("rsa.key"), null)).isInstanceOf(KeyFormatException.class).hasMessageContaining("RSA keys are not supported");
        assertThatThrownBy(() -> Keys.readPublicKey(resource("rsa.pub"))).isInstanceOf(KeyFormatException.class).hasMessageContaining("RSA keys are not supported");
        assertThatThrownBy(() -> Keys.readPrivateKey(resource("p384-ec.key"), null)).isInstanceOf(KeyFormatException.class).hasMessageContaining("P-384");
        assertThatThrownBy(() -> Keys.readPublicKey(resource("p384.pub"))).isInstanceOf(KeyFormatException.class).hasMessageContaining("P-384");
        assertThatThrownBy(() -> Keys.readPrivateKey(resource("ed25519.key"), null)).isInstanceOf(KeyFormatException.class).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> Keys.readPublicKey(resource("p256-ec.key"))).isInstanceOf(KeyFormatException.class).hasMessageContaining("expected a PEM 'PUBLIC KEY'");
        assertThatThrownBy(() -> Keys.readPrivateKey(resource("p256.pub"), null)).isInstanceOf(KeyFormatException.class).hasMessageContaining("public key");
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> Keys.readPublicKey("")).isInstanceOf(KeyFormatException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Keys.readPublicKey("hello world")).isInstanceOf(KeyFormatException.class).hasMessageContaining("no PEM block");
        assertThatThrownBy(() -> Keys.readPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("SubjectPublicKeyInfo");
        String badJson = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString("{\"kdf\":{}}".getBytes()) + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Keys.readPrivateKey(badJson, "x".toCharArray())).isInstanceOf(KeyFormatException.class).hasMessageContaining("key derivation");
        String hugeN = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(
                "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1073741824,\"r\":8,\"p\":1},\"salt\":\"AA==\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AA==\"},\"ciphertext\":\"AA==\"}".getBytes())
                + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Keys.readPrivateKey(hugeN, "x".toCharArray())).isInstanceOf(KeyFormatException.class).hasMessageContaining("scrypt parameters");
        assertThatThrownBy(() -> Keys.readPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", null))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("OPENSSH PRIVATE KEY");
    }
}
