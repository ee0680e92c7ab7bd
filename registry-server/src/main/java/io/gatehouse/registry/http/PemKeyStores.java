package io.gatehouse.registry.http;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;

/** Builds an in-memory KeyStore from PEM files (what admins have), so Jetty can serve TLS without keytool. */
public final class PemKeyStores {
    public static final char[] PASSWORD = "gatehouse".toCharArray();

    private PemKeyStores() {
    }

    public static KeyStore load(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(certificateChain, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) chain.add(certs.getCertificate(h));
            }
        }
        if (chain.isEmpty()) throw new GeneralSecurityException("no certificate found in " + certificateChain);
        PrivateKey key = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(privateKey, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null && key == null) {
                if (o instanceof PEMKeyPair kp) key = keys.getPrivateKey(kp.getPrivateKeyInfo());
                else if (o instanceof PrivateKeyInfo pki) key = keys.getPrivateKey(pki);
            }
        }
        if (key == null) throw new GeneralSecurityException("no unencrypted private key found in " + privateKey);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("gatehouse", key, PASSWORD, chain.toArray(new Certificate[0]));
        return ks;
    }
}
