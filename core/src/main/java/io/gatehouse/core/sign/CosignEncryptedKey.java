package io.gatehouse.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.util.Arrays;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * cosign's encrypted private key (what {@code cosign generate-key-pair} writes): a PEM block whose body is the JSON
 * of secure-systems-lab's "encrypted" package —
 * {@code {"kdf":{"name":"scrypt","params":{"N":…,"r":…,"p":…},"salt":b64},"cipher":{"name":"nacl/secretbox","nonce":b64},"ciphertext":b64}}.
 * The key is scrypt(passphrase, salt, N, r, p, 32); the plaintext is the PKCS#8 DER private key sealed with NaCl
 * secretbox (XSalsa20 + Poly1305, output = 16-byte tag followed by the encrypted bytes).
 */
final class CosignEncryptedKey {
    static final String SIGSTORE_PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY";
    static final String COSIGN_PEM_TYPE = "ENCRYPTED COSIGN PRIVATE KEY";

    /** cosign's parameters (N = 2^16, r = 8, p = 1): about 64 MiB and a fraction of a second per use. */
    static final int SCRYPT_N = 65536;
    static final int SCRYPT_R = 8;
    static final int SCRYPT_P = 1;
    /** We refuse to spend more than 2^20 * r * 128 bytes of memory on a file someone handed us. */
    private static final int MAX_N = 1 << 20;
    private static final int MAX_R = 32;
    private static final int MAX_P = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CosignEncryptedKey() {
    }

    static byte[] encrypt(byte[] plaintext, char[] passphrase) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] key = deriveKey(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
        byte[] sealed = secretbox(true, key, nonce, plaintext);
        Arrays.fill(key, (byte) 0);
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode kdf = doc.putObject("kdf");
        kdf.put("name", "scrypt");
        kdf.putObject("params").put("N", SCRYPT_N).put("r", SCRYPT_R).put("p", SCRYPT_P);
        kdf.put("salt", b64(salt));
        doc.putObject("cipher").put("name", "nacl/secretbox").put("nonce", b64(nonce));
        doc.put("ciphertext", b64(sealed));
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] decrypt(byte[] document, char[] passphrase) {
        JsonNode doc;
        try {
            doc = JSON.readTree(document);
        } catch (IOException e) {
            throw new KeyFormatException("the encrypted cosign key does not contain valid JSON");
        }
        if (doc == null || !doc.isObject()) throw new KeyFormatException("the encrypted cosign key does not contain a JSON object");
        String kdfName = doc.path("kdf").path("name").asText("");
        if (!kdfName.equals("scrypt")) throw new KeyFormatException("unsupported key derivation '" + kdfName + "' in the encrypted cosign key (expected scrypt)");
        String cipherName = doc.path("cipher").path("name").asText("");
        if (!cipherName.equals("nacl/secretbox")) throw new KeyFormatException("unsupported cipher '" + cipherName + "' in the encrypted cosign key (expected nacl/secretbox)");
        JsonNode params = doc.path("kdf").path("params");
        int n = params.path("N").asInt(0);
        int r = params.path("r").asInt(0);
        int p = params.path("p").asInt(0);
        if (n < 2 || n > MAX_N || Integer.bitCount(n) != 1 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
            throw new KeyFormatException("scrypt parameters out of the accepted range in the encrypted cosign key (N=" + n + ", r=" + r + ", p=" + p + ")");
        }
        byte[] salt = unb64(doc.path("kdf").path("salt"), "kdf.salt");
        byte[] nonce = unb64(doc.path("cipher").path("nonce"), "cipher.nonce");
        byte[] sealed = unb64(doc.path("ciphertext"), "ciphertext");
        if (nonce.length != 24) throw new KeyFormatException("the secretbox nonce must be 24 bytes");
        if (sealed.length < 16) throw new KeyFormatException("the encrypted cosign key's ciphertext is truncated");
        byte[] key = deriveKey(passphrase, salt, n, r, p);
        try {
            return secretbox(false, key, nonce, sealed);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] deriveKey(char[] passphrase, byte[] salt, int n, int r, int p) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase == null ? new char[0] : passphrase));
        byte[] pass = new byte[buf.remaining()];
        buf.get(pass);
        if (buf.hasArray()) Arrays.fill(buf.array(), (byte) 0);
        try {
            return SCrypt.generate(pass, salt, n, r, p, 32);
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
    }

    /** NaCl crypto_secretbox / crypto_secretbox_open with the Go layout (tag first). */
    private static byte[] secretbox(boolean seal, byte[] key, byte[] nonce, byte[] input) {
        XSalsa20Engine salsa = new XSalsa20Engine();
        salsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] polyKey = new byte[32];
        salsa.processBytes(new byte[32], 0, 32, polyKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        Arrays.fill(polyKey, (byte) 0);
        if (seal) {
            byte[] out = new byte[16 + input.length];
            salsa.processBytes(input, 0, input.length, out, 16);
            mac.update(out, 16, input.length);
            mac.doFinal(out, 0);
            return out;
        }
        byte[] tag = new byte[16];
        mac.update(input, 16, input.length - 16);
        mac.doFinal(tag, 0);
        if (!Arrays.constantTimeAreEqual(16, tag, 0, input, 0)) {
            throw new KeyFormatException("cannot decrypt the cosign private key: wrong passphrase or corrupted key");
        }
        byte[] out = new byte[input.length - 16];
        salsa.processBytes(input, 16, out.length, out, 0);
        return out;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode node, String field) {
        if (!node.isTextual()) throw new KeyFormatException("the encrypted cosign key lacks " + field);
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("the encrypted cosign key's " + field + " is not base64");
        }
    }
}
