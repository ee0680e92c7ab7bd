package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker token service (distribution's docs/spec/auth/token.md) for CNCF Distribution's {@code auth: token:}: checks
 * Basic credentials, grants the requested scopes, and signs an ES256 JWT whose x5c header carries the certificate
 * Distribution trusts through {@code rootcertbundle}. Counts requests and remembers issued tokens (to prove caching and
 * that no token reaches a log).
 */
public final class TokenAuthServer implements AutoCloseable {
    public static final String ISSUER = "gatehouse-test-issuer";
    public static final String SERVICE = "gatehouse-test-registry";

    private final HttpServer server;
    private final TestPki pki;
    private final String user;
    private final String password;
    public final AtomicInteger requests = new AtomicInteger();
    public final List<String> issued = new CopyOnWriteArrayList<>();

    private TokenAuthServer(TestPki pki, String user, String password) throws IOException {
        this.pki = pki;
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    public static TokenAuthServer start(TestPki pki, String user, String password) {
        try {
            return new TokenAuthServer(pki, user, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The {@code auth:} YAML section for DistributionRegistry.start(dir, yaml). */
    public String distributionYaml(java.nio.file.Path certFile) {
        return """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm(), SERVICE, ISSUER, certFile);
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (auth == null || !auth.equals(expected)) {
                RegistryProxy.send(ex, 401, "application/json", "{\"details\":\"incorrect username or password\"}");
                return;
            }
            List<String> scopes = new ArrayList<>();
            String q = ex.getRequestURI().getRawQuery();
            if (q != null) {
                for (String p : q.split("&")) {
                    if (p.startsWith("scope=")) scopes.add(URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8));
                }
            }
            StringBuilder access = new StringBuilder();
            for (String s : scopes) {
                String[] parts = s.split(":");
                if (parts.length < 3) continue;
                String actions = parts[parts.length - 1];
                String name = s.substring(parts[0].length() + 1, s.length() - actions.length() - 1);
                if (access.length() > 0) access.append(',');
                access.append("{\"type\":\"").append(parts[0]).append("\",\"name\":\"").append(name).append("\",\"actions\":[");
                String[] acts = actions.split(",");
                for (int i = 0; i < acts.length; i++) access.append(i > 0 ? "," : "").append('"').append(acts[i]).append('"');
                access.append("]}");
            }
            long now = Instant.now().getEpochSecond();
            String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(pki.certificate().getEncoded()) + "\"]}";
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 300)
                    + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[" + access + "]}";
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format"); // JWS wants R||S, not DER
            sig.initSign(pki.keyPair().getPrivate());
            sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + b64.encodeToString(sig.sign());
            issued.add(jwt);
            RegistryProxy.send(ex, 200, "application/json", "{\"token\":\"" + jwt + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}");
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
