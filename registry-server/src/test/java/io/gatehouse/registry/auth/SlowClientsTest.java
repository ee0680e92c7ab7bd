package io.gatehouse.registry.auth;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow clients that never log in must not freeze the registry: a thousand connections held open from many loopback
 * addresses, dribbling refused request bodies, token forms or headers, while /healthz and an authenticated manifest
 * GET from another address still answer within a second each. Before, each refused body was drained on a server thread
 * (and each token form parsed on one), so a few hundred such clients took every thread.
 * The bound of one second is the goal this test exists for (docs/performance.md, "Slow clients").
 */
class SlowClientsTest {
    private static final int CONNECTIONS = 1000;
    private static final int ADDRESSES = 40; // 25 per address: under the default per-address limit

    @TempDir
    Path dir;
    private final List<Slot> slots = new ArrayList<>();

    @AfterEach
    void closeSockets() {
        for (Slot s : slots) s.close();
    }

    @Test
    void aThousandSlowClientsDoNotStopOthersBeingServed() throws Exception {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            Digest pushed = reg.pushImage("team/app", "1.0", SecuredRegistry.admin());
            String token = new Http(reg.base).tokenFor("admin", AuthFixture.ADMIN_PASSWORD, "repository:team/app:pull");
            int port = reg.server.port();
            for (int i = 0; i < CONNECTIONS; i++) {
                Slot s = new Slot(port, "127.0.0." + (10 + i % ADDRESSES), Kind.values()[i % Kind.values().length]);
                slots.add(s);
                s.open();
            }
            // Rounds rather than a deadline: a round (a byte to each slow connection, then the two checks) takes a
            // second or two, longer on a busy machine, and every check in every round must answer within a second.
            for (int round = 0; round < 8; round++) {
                for (Slot s : slots) s.dribble(); // one byte each; a slot the server closed is opened again
                assertAnswersWithinOneSecond(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200);
                assertAnswersWithinOneSecond(port, "GET /v2/team/app/manifests/1.0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\nAccept: application/vnd.oci.image.manifest.v1+json\r\nConnection: close\r\n\r\n", 200);
                Thread.sleep(500);
            }
            long open = slots.stream().filter(Slot::isOpen).count();
            assertThat(open).as("slow connections held open at the end").isGreaterThan(CONNECTIONS / 2);
            assertThat(pushed).isNotNull();
        }
    }

    @Test
    void theLimitPerAddressClosesTheExcessAndServesOtherAddresses() throws Exception {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false, c -> c.with("server.max_connections_per_address", "20"), 1000)) {
            int port = reg.server.port();
            for (int i = 0; i < 30; i++) {
                Slot s = new Slot(port, "127.0.0.77", Kind.PARTIAL_HEADERS);
                slots.add(s);
                s.open();
            }
            // the ten beyond the limit are closed by the server; the twenty within it stay
            await().atMost(Duration.ofSeconds(10)).until(() -> slots.stream().filter(Slot::closedByServer).count() == 10);
            assertThat(RawHttp.exchange(port, "127.0.0.78", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000).status())
                    .isEqualTo(200);
            assertThat(reachable(port, "127.0.0.77")).as("the full address gets no further connection").isFalse();
            closeSockets();
            await().atMost(Duration.ofSeconds(10)).until(() -> reachable(port, "127.0.0.77"));
        }
    }

    @Test
    void aTrustedProxyIsNotCappedPerAddress() throws Exception {
        // Behind a reverse proxy every client arrives from the proxy's address: capping it would lock everyone out.
        try (SecuredRegistry reg = new SecuredRegistry(dir, false, c -> c.with("server.max_connections_per_address", "20")
                .with("server.trusted_proxies", "127.0.0.79"), 1000)) {
            int port = reg.server.port();
            for (int i = 0; i < 30; i++) {
                Slot s = new Slot(port, "127.0.0.79", Kind.PARTIAL_HEADERS);
                slots.add(s);
                s.open();
            }
            assertThat(reachable(port, "127.0.0.79")).as("the proxy gets its 31st connection").isTrue();
            assertThat(slots.stream().filter(Slot::closedByServer).count()).isZero();
        }
    }

    private static boolean reachable(int port, String source) {
        try {
            return RawHttp.exchange(port, source, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertAnswersWithinOneSecond(int port, String request, int status) throws IOException {
        long start = System.nanoTime();
        RawHttp.Reply r = RawHttp.exchange(port, "127.0.0.250", request, 5000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).as(r.head()).isEqualTo(status);
        assertThat(millis).as("answered in ms").isLessThan(1000);
    }

    /** What a slow client sends before it starts dribbling (one byte per round after that). */
    enum Kind {
        /** An anonymous monolithic upload, refused with 401: its 100,000-byte body never comes. */
        REFUSED_UPLOAD("POST /v2/x/blobs/uploads/?digest=sha256:" + "0".repeat(64) + " HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"),
        /** A token form that never ends. */
        TOKEN_FORM("POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 100000\r\n\r\ngrant_type=password&username=admin&password="),
        /** Headers that never end. */
        PARTIAL_HEADERS("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: "),
        /** An anonymous manifest push whose body never comes. */
        REFUSED_MANIFEST("PUT /v2/x/manifests/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                + "Content-Length: 5000\r\n\r\n{");

        final byte[] head;

        Kind(String head) {
            this.head = head.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One slow client's connection, from a given loopback address; reopened when the server closes it. */
    static final class Slot {
        private final int port;
        private final String source;
        private final Kind kind;
        private Socket socket;

        Slot(int port, String source, Kind kind) {
            this.port = port;
            this.source = source;
            this.kind = kind;
        }

        void open() throws IOException {
            close();
            socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.getOutputStream().write(kind.head);
        }

        void dribble() {
            try {
                OutputStream out = socket.getOutputStream();
                out.write('a');
                out.flush();
                if (closedByServer()) open();
            } catch (IOException e) {
                try {
                    open();
                } catch (IOException again) {
                    // the server refused a new one too (the per-address limit): try again next round
                }
            }
        }

        /** The server closed this connection (an answer, if any, then end of stream; or a reset). */
        boolean closedByServer() {
            try {
                socket.setSoTimeout(1);
                byte[] b = new byte[4096];
                while (true) if (socket.getInputStream().read(b) < 0) return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        boolean isOpen() {
            return socket != null && !closedByServer();
        }

        void close() {
            try {
                if (socket != null) socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
