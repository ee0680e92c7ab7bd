package io.gatehouse.core.sign;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;

/**
 * Reads and writes the key files users already have:
 * <ul>
 *   <li>public keys: {@code PUBLIC KEY} (SubjectPublicKeyInfo, what {@code cosign.pub} and {@code openssl pkey -pubout} write);</li>
 *   <li>private keys: {@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY} (SEC 1, openssl's traditional form), and
 *   cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} / {@code ENCRYPTED COSIGN PRIVATE KEY} (see {@link CosignEncryptedKey}).</li>
 * </ul>
 * Only ECDSA on P-256 is accepted: it is cosign's default and what containers/image verifies with SHA-256.
 * Everything else fails with a {@link KeyFormatException} that says what was found.
 */
public final class Keys {
    private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = X9ObjectIdentifiers.id_ecPublicKey;
    private static final ASN1ObjectIdentifier P256 = X9ObjectIdentifiers.prime256v1;
    private static final Map<String, String> KNOWN_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.10040.4.1", "DSA",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.3.101.110", "X25519");
    private static final Map<String, String> KNOWN_CURVES = Map.of(
            SECObjectIdentifiers.secp384r1.getId(), "P-384 (secp384r1)",
            SECObjectIdentifiers.secp521r1.getId(), "P-521 (secp521r1)",
            SECObjectIdentifiers.secp256k1.getId(), "secp256k1");

    private Keys() {
    }

    /** A fresh P-256 key pair. */
    public static SigningKey generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            var pair = g.generateKeyPair();
            return new SigningKey((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key generation is unavailable", e);
        }
    }

    /** Parses a {@code PUBLIC KEY} PEM document. */
    public static TrustedKey readPublicKey(String pem) {
        PemObject obj = readPem(pem);
        if (!obj.getType().equals("PUBLIC KEY")) {
            throw new KeyFormatException("expected a PEM 'PUBLIC KEY' (SubjectPublicKeyInfo), found '" + obj.getType() + "'");
        }
        SubjectPublicKeyInfo spki;
        try {
            spki = SubjectPublicKeyInfo.getInstance(obj.getContent());
        } catch (RuntimeException e) {
            throw new KeyFormatException("the PUBLIC KEY is not a valid SubjectPublicKeyInfo structure");
        }
        requireP256(spki.getAlgorithm());
        try {
            return TrustedKey.of((ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded())));
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyFormatException("the PUBLIC KEY is not a valid P-256 point");
        }
    }

    /**
     * Parses a private key PEM document; {@code passphrase} is needed only for cosign's encrypted form
     * (null or empty is allowed for keys cosign wrote with an empty password).
     */
    public static SigningKey readPrivateKey(String pem, char[] passphrase) {
        PemObject obj = readPem(pem);
        return switch (obj.getType()) {
            case "PRIVATE KEY" -> fromPkcs8(obj.getContent());
            case "EC PRIVATE KEY" -> fromSec1(obj.getContent());
            case CosignEncryptedKey.SIGSTORE_PEM_TYPE, CosignEncryptedKey.COSIGN_PEM_TYPE ->
                    fromPkcs8(CosignEncryptedKey.decrypt(obj.getContent(), passphrase));
            case "ENCRYPTED PRIVATE KEY" -> throw new KeyFormatException(
                    "PKCS#8 'ENCRYPTED PRIVATE KEY' files are not supported; use cosign's encrypted format "
                            + "(cosign generate-key-pair / cosign import-key-pair) or an unencrypted PKCS#8 key");
            case "RSA PRIVATE KEY" -> throw new KeyFormatException("RSA keys are not supported: Gatehouse signs with ECDSA P-256 keys");
            case "PUBLIC KEY" -> throw new KeyFormatException("this is a public key; signing needs the private key");
            default -> throw new KeyFormatException("unsupported private key PEM type '" + obj.getType() + "'");
        };
    }

    /** Unencrypted PKCS#8 PEM ({@code PRIVATE KEY}); for tests and for operators who keep keys in a secret store. */
    public static String toPkcs8Pem(SigningKey key) {
        return Pem.encode("PRIVATE KEY", pkcs8(key));
    }

    /** cosign's encrypted form, readable by {@code cosign sign --key} with the same passphrase. */
    public static String toCosignEncryptedPem(SigningKey key, char[] passphrase) {
        return Pem.encode(CosignEncryptedKey.SIGSTORE_PEM_TYPE, CosignEncryptedKey.encrypt(pkcs8(key), passphrase));
    }

    /**
     * PKCS#8 with the public key embedded in the SEC 1 structure, as Go's x509.MarshalPKCS8PrivateKey writes it
     * (the JDK's encoding leaves it out; both parse, but matching Go keeps files byte-comparable in shape).
     */
    static byte[] pkcs8(SigningKey key) {
        try {
            BigInteger d = key.privateKey().getS();
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().key().getEncoded());
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, new DERBitString(spki.getPublicKeyData().getBytes()), null);
            return new PrivateKeyInfo(new AlgorithmIdentifier(EC_PUBLIC_KEY, P256), sec1).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SigningKey fromPkcs8(byte[] der) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFormatException("the private key is not a valid PKCS#8 structure");
        }
        requireP256(info.getPrivateKeyAlgorithm());
        try {
            var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            return fromScalar(sec1.getKey());
        } catch (IOException | RuntimeException e) {
            throw new KeyFormatException("the PKCS#8 private key does not hold a valid EC private key");
        }
    }

    private static SigningKey fromSec1(byte[] der) {
        org.bouncycastle.asn1.sec.ECPrivateKey sec1;
        try {
            sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFormatException("the EC PRIVATE KEY is not a valid SEC 1 structure");
        }
        var params = sec1.getParametersObject();
        if (params == null) throw new KeyFormatException("the EC PRIVATE KEY does not name its curve; only P-256 is supported");
        requireP256(new AlgorithmIdentifier(EC_PUBLIC_KEY, params));
        return fromScalar(sec1.getKey());
    }

    /** Builds both halves from the private scalar: the public point is always recomputed, never trusted from the file. */
    private static SigningKey fromScalar(BigInteger d) {
        X9ECParameters curve = NISTNamedCurves.getByName("P-256");
        if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) throw new KeyFormatException("the EC private key is out of range for P-256");
        try {
            var q = curve.getG().multiply(d).normalize();
            var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EC_PUBLIC_KEY, P256), q.getEncoded(false));
            KeyFactory kf = KeyFactory.getInstance("EC");
            ECPublicKey pub = (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
            var info = new PrivateKeyInfo(new AlgorithmIdentifier(EC_PUBLIC_KEY, P256),
                    new org.bouncycastle.asn1.sec.ECPrivateKey(256, d));
            ECPrivateKey priv = (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            return new SigningKey(priv, pub);
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyFormatException("the EC private key cannot be loaded", e);
        }
    }

    private static void requireP256(AlgorithmIdentifier alg) {
        String oid = alg.getAlgorithm().getId();
        if (!alg.getAlgorithm().equals(EC_PUBLIC_KEY)) {
            String name = KNOWN_ALGORITHMS.getOrDefault(oid, "algorithm " + oid);
            throw new KeyFormatException(name + " keys are not supported: Gatehouse uses ECDSA P-256 keys (cosign's default)");
        }
        var params = alg.getParameters();
        if (!(params instanceof ASN1ObjectIdentifier curve)) {
            throw new KeyFormatException("EC keys with explicit curve parameters are not supported: only the named curve P-256");
        }
        if (!curve.equals(P256)) {
            throw new KeyFormatException("EC curve " + KNOWN_CURVES.getOrDefault(curve.getId(), curve.getId())
                    + " is not supported: only P-256 (prime256v1)");
        }
    }

    private static PemObject readPem(String pem) {
        if (pem == null || pem.isBlank()) throw new KeyFormatException("the key is empty");
        try (PemReader r = new PemReader(new StringReader(pem))) {
            PemObject obj = r.readPemObject();
            if (obj == null) throw new KeyFormatException("no PEM block found (expected '-----BEGIN …-----')");
            return obj;
        } catch (IOException | RuntimeException e) {
            if (e instanceof KeyFormatException k) throw k;
            throw new KeyFormatException("the key is not valid PEM");
        }
    }
}
