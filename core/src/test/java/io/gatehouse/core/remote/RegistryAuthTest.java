package io.gatehouse.core.remote;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import io.gatehouse.testing.TestPki;
import io.gatehouse.testing.TokenAuthServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Basic (htpasswd) and Docker token auth against real CNCF Distribution; TLS with a custom CA; no secret in logs. */
class RegistryAuthTest {
    static final String SECRET = "s3cret-Pa55word";

    @Test
    void basicAuthWithHtpasswd(@TempDir Path dir) throws Exception {
        try (DistributionRegistry r = DistributionRegistry.startWithBasicAuth(dir, "alice", SECRET)) {
            RegistryClient alice = RegistryClient.builder(r.hostPort()).credentials(Credentials.basic("alice", SECRET)).build();
            ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(1000));
            img.push(alice, RepositoryName.of("basic/app"), "v1");
            assertThat(alice.getManifest(RepositoryName.of("basic/app"), "v1").digest()).isEqualTo(img.manifest().digest());

            RegistryClient wrong = RegistryClient.builder(r.hostPort()).credentials(Credentials.basic("alice", "wrong-" + SECRET)).build();
            assertThatThrownBy(() -> wrong.headManifest(RepositoryName.of("basic/app"), "v1"))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("401").hasMessageNotContaining(SECRET);
            RegistryClient anonymous = RegistryClient.builder(r.hostPort()).build();
            assertThatThrownBy(() -> anonymous.getManifest(RepositoryName.of("basic/app"), "v1"))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("credentials missing or refused");
        }
    }

    @Test
    void dockerTokenFlowWithCredentialsFromConfigJsonCachesTokensAndLogsNoSecret(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.selfSigned("gatehouse test token signer");
        Path cert = pki.writeCertificate(dir.resolve("token-cert.pem"));
        Logger root = (Logger) LoggerFactory.getLogger("io.gatehouse");
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        try (TokenAuthServer tokens = TokenAuthServer.start(pki, "bob", SECRET);
             DistributionRegistry r = DistributionRegistry.start(dir, tokens.distributionYaml(cert))) {
            String auth = Base64.getEncoder().encodeToString(("bob:" + SECRET).getBytes(StandardCharsets.UTF_8));
            Path config = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"http://" + r.hostPort() + "/v2/\":{\"auth\":\"" + auth + "\"}}}");
            RegistryClient bob = RegistryClient.builder(r.hostPort()).credentials(DockerConfigCredentials.load(config)).build();
            RepositoryName repo = RepositoryName.of("token/app");
            ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(1000), ModelTestImages.randomLayer(1000));
            img.push(bob, repo, "v1");
            for (int i = 0; i < 5; i++) assertThat(bob.headManifest(repo, "v1")).isPresent();
            assertThat(bob.getManifest(repo, "v1").digest()).isEqualTo(img.manifest().digest());
            // one token for pull, one for pull+push: cached per scope, not fetched per request
            assertThat(tokens.requests.get()).isLessThanOrEqualTo(3);
            assertThat(bob.requestCount()).isGreaterThan(10);

            RegistryClient mallory = RegistryClient.builder(r.hostPort()).credentials(Credentials.basic("bob", "not-" + SECRET)).build();
            assertThatThrownBy(() -> mallory.headManifest(repo, "v1")).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("refused the credentials of user 'bob'").hasMessageNotContaining(SECRET);

            assertThat(logs.list).isNotEmpty();
            for (ILoggingEvent e : logs.list) {
                String line = e.getFormattedMessage();
                assertThat(line).doesNotContain(SECRET).doesNotContain(auth).doesNotContainIgnoringCase("authorization:");
                for (String t : tokens.issued) assertThat(line).doesNotContain(t);
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }

    @Test
    void tlsWithACustomCaOrExplicitlyInsecure(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.selfSigned("gatehouse test registry");
        Path ca = pki.writeCertificate(dir.resolve("ca.pem"));
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(pki.keyStore("pw".toCharArray()), "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        https.createContext("/v2/", ex -> {
            ex.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        https.start();
        try {
            String host = "127.0.0.1:" + https.getAddress().getPort();
            RetryPolicy once = RetryPolicy.none();
            RegistryClient.builder(host).plainHttp(false).tls(TlsOptions.withCa(ca)).retry(once).build().ping();
            RegistryClient.builder(host).plainHttp(false).tls(TlsOptions.insecure()).retry(once).build().ping();
            assertThatThrownBy(() -> RegistryClient.builder(host).plainHttp(false).retry(once).build().ping())
                    .isInstanceOf(RegistryException.class).hasMessageContaining("cannot reach " + host).hasMessageContaining("SSL");
        } finally {
            https.stop(0);
        }
    }
}
