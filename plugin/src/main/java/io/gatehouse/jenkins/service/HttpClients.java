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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client for a {@link ConnectionSettings}: JDK roots plus the configured CA, or (warned) no verification,
 * through Jenkins' HTTP proxy unless a "No Proxy Host" pattern matches the registry.
 *
 * <p>One base client per controller ({@link #base}), shared by every step run and form check, so they share one
 * connection pool and one dispatcher instead of opening a pool per call; it is rebuilt when the proxy settings change
 * (a new value of {@link ProxySettings}; the old client's idle connections are closed). Per-call clients differ only in
 * TLS and timeouts and are derived from it with {@code newBuilder()}, which shares the pool and dispatcher.
 */
public final class HttpClients {
    private record Base(ProxySettings proxy, OkHttpClient client) {
    }

    private static final AtomicReference<Base> BASE = new AtomicReference<>();

    private HttpClients() {
    }

    /** The shared client for {@code proxy}: the same instance as long as the proxy settings stay the same. */
    public static OkHttpClient base(ProxySettings proxy) {
        ProxySettings p = proxy == null ? ProxySettings.NONE : proxy;
        Base current = BASE.get();
        if (current != null && current.proxy().equals(p)) {
            return current.client();
        }
        Base fresh = new Base(p, withProxy(new OkHttpClient.Builder(), p).build());
        if (BASE.compareAndSet(current, fresh)) {
            if (current != null) {
                // Calls in flight finish on their own connections; only idle ones to the old route are closed.
                current.client().connectionPool().evictAll();
            }
            return fresh.client();
        }
        return base(p); // another thread rebuilt it meanwhile: use (or replace) theirs
    }

    private static OkHttpClient.Builder withProxy(OkHttpClient.Builder b, ProxySettings p) {
        if (p.isDirect()) {
            return b.proxy(Proxy.NO_PROXY);
        }
        Proxy http = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.host(), p.port()));
        b.proxySelector(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(uri.getHost() != null && p.bypasses(uri.getHost()) ? Proxy.NO_PROXY : http);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        });
        if (p.username() != null && !p.username().isBlank()) {
            String header = okhttp3.Credentials.basic(p.username(), p.password() == null ? "" : p.password(), StandardCharsets.UTF_8);
            b.proxyAuthenticator((route, response) -> response.request().header("Proxy-Authorization") != null
                    ? null // refused once: do not loop
                    : response.request().newBuilder().header("Proxy-Authorization", header).build());
        }
        return b;
    }

    public static OkHttpClient build(ConnectionSettings settings) {
        OkHttpClient.Builder b = base(settings.proxy()).newBuilder()
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
