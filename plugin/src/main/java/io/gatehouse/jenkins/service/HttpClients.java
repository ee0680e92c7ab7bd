package io.gatehouse.jenkins.service;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/** Builds the OkHttp client for a {@link ConnectionSettings}: JDK roots plus the configured CA, or (warned) no verification. */
public final class HttpClients {
    private HttpClients() {
    }

    public static OkHttpClient build(ConnectionSettings settings) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.connectTimeout().multipliedBy(4))
                .followRedirects(true);
        try {
            if (settings.insecure()) {
                X509TrustManager trustAll = new X509TrustManager() {
                    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
                    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
                    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
                };
                b.sslSocketFactory(context(trustAll).getSocketFactory(), trustAll).hostnameVerifier((h, s) -> true);
            } else if (settings.caCertificatePem() != null && !settings.caCertificatePem().isBlank()) {
                X509TrustManager tm = withExtraCa(settings.caCertificatePem());
                b.sslSocketFactory(context(tm).getSocketFactory(), tm);
            }
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot set up TLS for " + settings.registryUrl() + ": " + e.getMessage(), e);
        }
        return b.build();
    }

    private static SSLContext context(X509TrustManager tm) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
        return ctx;
    }

    private static X509TrustManager withExtraCa(String pem) throws GeneralSecurityException, java.io.IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)))) {
            ks.setCertificateEntry("gatehouse-ca-" + i++, c);
        }
        // Keep the JDK's roots too: a configured CA adds trust, it does not replace public PKI.
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        for (TrustManager t : jdk.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    ks.setCertificateEntry("jdk-" + i++, c);
                }
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }
}
