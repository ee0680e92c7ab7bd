package io.gatehouse.core.remote;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/** Builds a {@link RegistryClient}: where (scheme decided here), who (credentials), trust (TLS), patience (retries). */
public final class RegistryClientBuilder {
    private final String registry;
    private CredentialProvider credentials = CredentialProvider.anonymous();
    private TlsOptions tls = TlsOptions.system();
    private Boolean plainHttp;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private OkHttpClient shared;
    private String credentialSource;

    RegistryClientBuilder(String registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public RegistryClientBuilder credentials(CredentialProvider provider) {
        this.credentials = Objects.requireNonNull(provider);
        return this;
    }

    public RegistryClientBuilder credentials(Credentials c) {
        return credentials(c == null ? CredentialProvider.anonymous() : r -> java.util.Optional.of(c));
    }

    /**
     * Where the credentials came from, or where they were looked for (no secrets): added to the message when the
     * registry refuses us, so that a 401 says which files to fix.
     */
    public RegistryClientBuilder credentialSource(String description) {
        this.credentialSource = description;
        return this;
    }

    public RegistryClientBuilder tls(TlsOptions options) {
        this.tls = Objects.requireNonNull(options);
        return this;
    }

    /**
     * Talk plain HTTP (true) or HTTPS (false). Unset: plain HTTP only for loopback hosts (localhost, 127.0.0.0/8, ::1),
     * as docker treats them as insecure registries by default; everything else is HTTPS.
     */
    public RegistryClientBuilder plainHttp(boolean plain) {
        this.plainHttp = plain;
        return this;
    }

    public RegistryClientBuilder retry(RetryPolicy policy) {
        this.retry = Objects.requireNonNull(policy);
        return this;
    }

    public RegistryClientBuilder clock(Clock c) {
        this.clock = Objects.requireNonNull(c);
        return this;
    }

    public RegistryClientBuilder timeouts(Duration connect, Duration read) {
        this.connectTimeout = connect;
        this.readTimeout = read;
        return this;
    }

    /** Share connection pools and threads with other clients (TLS settings of this builder still apply). */
    public RegistryClientBuilder httpClient(OkHttpClient client) {
        this.shared = client;
        return this;
    }

    public RegistryClient build() {
        boolean plain = plainHttp != null ? plainHttp : isLoopback(registry);
        HttpUrl base = HttpUrl.parse((plain ? "http://" : "https://") + registry + "/");
        if (base == null) throw new IllegalArgumentException("not a registry host: " + registry);
        OkHttpClient.Builder b = (shared != null ? shared.newBuilder() : new OkHttpClient.Builder())
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(readTimeout)
                .followRedirects(true)
                .followSslRedirects(true)
                // we retry ourselves, with backoff and only where the body can be resent
                .retryOnConnectionFailure(false);
        configureTls(b);
        return new RegistryClient(registry, base, b.build(), credentials.forRegistry(registry), credentialSource, retry, clock);
    }

    private void configureTls(OkHttpClient.Builder b) {
        try {
            if (tls.insecureSkipVerify()) {
                X509TrustManager all = new X509TrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                };
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[]{all}, null);
                b.sslSocketFactory(ctx.getSocketFactory(), all).hostnameVerifier((h, s) -> true);
            } else if (tls.caPem() != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                // the JDK's roots stay trusted: a company CA is added, not substituted
                TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                def.init((KeyStore) null);
                int i = 0;
                for (TrustManager tm : def.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) for (X509Certificate c : x.getAcceptedIssuers()) ks.setCertificateEntry("system-" + i++, c);
                }
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(tls.caPem())) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certs.isEmpty()) throw new IllegalArgumentException("no certificate in CA file " + tls.caPem());
                for (Certificate c : certs) ks.setCertificateEntry("custom-" + i++, c);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[]{tm}, null);
                b.sslSocketFactory(ctx.getSocketFactory(), tm);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for " + registry + ": " + e.getMessage(), e);
        }
    }

    static boolean isLoopback(String hostPort) {
        String host = hostPort;
        if (host.startsWith("[")) host = host.substring(1, host.indexOf(']'));
        else if (host.indexOf(':') >= 0) host = host.substring(0, host.lastIndexOf(':'));
        if (host.equals("localhost") || host.endsWith(".localhost")) return true;
        if (!host.matches("[0-9.]+") && !host.contains(":")) return false;
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
