package io.gatehouse.registry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteDataSource;


/**
 * Runs the class initialisation a registry's start needs on a second thread while the main thread reads the
 * command line and the settings and opens the database: a start is mostly the first use of Jetty, JDBI, SQLite's
 * native library, Jackson and Bouncy Castle, each of which initialises hundreds of classes once, on one core. With
 * two or more cores this overlaps them (issue #13, item 10; {@code bench/startup.sh} measures it). Nothing here
 * opens a file, a port or a database that the registry uses, and a failure only means the main thread does the
 * work itself when it gets there.
 */
public final class ServeWarmup {
    private ServeWarmup() {
    }

    public static void start() {
        // -Dgatehouse.warmup=false: one thread does it all (bench/startup.sh compares both)
        if (Runtime.getRuntime().availableProcessors() < 2 || "false".equals(System.getProperty("gatehouse.warmup"))) return;
        Thread t = new Thread(ServeWarmup::run, "gatehouse-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        t.start();
    }

    private static void run() {
        // in the order the main thread needs them, Jetty last
        quietly(() -> {
            // JDBI's plugins, mappers and SQL parser, and SQLite's native library, on a private in-memory database
            SQLiteDataSource ds = new SQLiteDataSource();
            ds.setUrl("jdbc:sqlite::memory:");
            Jdbi.create(ds).withHandle(h -> h.createQuery("select :x").bind("x", 1).mapTo(Integer.class).one());
        });
        quietly(() -> new ObjectMapper().readTree("{\"a\":[1,\"b\",null]}"));
        // the signing keys are read back from PKCS#8 with Bouncy Castle, tokens signed and verified with nimbus
        quietly(() -> {
            var key = io.gatehouse.core.sign.Keys.generate();
            io.gatehouse.core.sign.Keys.readPrivateKey(io.gatehouse.core.sign.Keys.toPkcs8Pem(key), null);
        });
        quietly(() -> {
            var jwk = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate();
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.ES256),
                    new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("warmup").build());
            jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(jwk));
            com.nimbusds.jwt.SignedJWT.parse(jwt.serialize()).verify(new com.nimbusds.jose.crypto.ECDSAVerifier(jwk.toPublicJWK()));
        });
        quietly(() -> Caffeine.newBuilder().maximumSize(1).build().put("a", "b"));
        quietly(() -> new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT).counter("warmup").increment());
        // (Jetty's queues no longer start the platform MBean server: http/JettyMemoryHint)
        quietly(() -> {
            io.gatehouse.registry.http.JettyMemoryHint.apply();
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            new ServerConnector(server, new HttpConnectionFactory(http));
        });
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step r) {
        try {
            r.run();
        } catch (Exception | LinkageError ignored) {
            // only a head start: the main thread initialises whatever failed here when it needs it
        }
    }
}
