package io.gatehouse.core.remote;

import io.gatehouse.core.reference.RepositoryName;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A token service that answers with an endless body gets a clear error after a bounded read, not our heap. */
class TokenResponseLimitTest {
    /** Far more than any token and than the test JVM's heap could hold as a JSON tree. */
    static final long HUGE = 8L * 1024 * 1024 * 1024;

    @Test
    void aHugeTokenResponseIsRefusedAfterABoundedRead() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    if (request.getUrl().encodedPath().startsWith("/token")) {
                        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                                .body(endlessJson(sent)).build();
                    }
                    return new MockResponse.Builder().code(401)
                            .addHeader("WWW-Authenticate", "Bearer realm=\"" + server.url("/token") + "\",service=\"test\"").build();
                }
            });
            server.start();
            RegistryClient client = RegistryClient.builder(server.getHostName() + ":" + server.getPort())
                    .retry(RetryPolicy.none()).build();
            assertThatThrownBy(() -> client.headManifest(RepositoryName.of("a/b"), "v1"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("token service")
                    .hasMessageContaining("larger than " + Authenticator.TOKEN_BODY_LIMIT + " bytes");
            // the client stopped reading: the server could push no more than the limit plus what the socket buffers hold
            assertThat(sent.get()).isLessThan(HUGE / 16);
        }
    }

    /** {"token":"t","junk":[0,0,0,... — well-formed as far as it goes, so only a size bound stops the read. */
    private static MockResponseBody endlessJson(AtomicLong sent) {
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return HUGE;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] head = "{\"token\":\"t\",\"junk\":[0".getBytes(StandardCharsets.US_ASCII);
                sink.write(head);
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < chunk.length; i += 2) {
                    chunk[i] = ',';
                    chunk[i + 1] = '0';
                }
                long written = head.length;
                while (written + chunk.length <= HUGE) {
                    sink.write(chunk);
                    written += chunk.length;
                    sent.set(written);
                }
                byte[] rest = Arrays.copyOf(chunk, (int) (HUGE - written));
                sink.write(rest);
            }
        };
    }
}
