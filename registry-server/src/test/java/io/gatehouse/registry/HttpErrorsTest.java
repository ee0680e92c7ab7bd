package io.gatehouse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Jetty itself refuses, or paths a proxy in front would read differently from the router, sent byte for
 * byte over a raw socket: each gets a JSON error (the distribution spec's under /v2, the management API's under
 * /api), never an HTML page, and no encoded dot segment is resolved into another repository.
 */
class HttpErrorsTest extends ServerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RawHttp.Reply send(String request) throws IOException {
        return RawHttp.exchange(server.port(), null, request, 10_000);
    }

    private static RawHttp.Reply request(String method, String target) throws IOException {
        return send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    /** The {@code errors[0].code} of a JSON error answer (and checks that it is one). */
    private static String code(RawHttp.Reply r) throws IOException {
        assertThat(r.header("Content-Type")).as(r.head()).startsWith("application/json");
        JsonNode e = JSON.readTree(r.body()).path("errors").path(0);
        assertThat(e.path("message").isTextual()).as(r.body()).isTrue();
        return e.path("code").asText();
    }

    @Test
    void encodedDotSegmentsAreRefusedNotResolved() throws IOException {
        String repo = repo();
        for (String target : new String[]{"/v2/probe/%2E%2E/" + repo + "/blobs/uploads/", "/v2/probe/%2e%2e/" + repo + "/blobs/uploads/",
                "/v2/probe/%2E/" + repo + "/blobs/uploads/", "/v2/probe/.%2E/" + repo + "/blobs/uploads/"}) {
            RawHttp.Reply r = request("POST", target);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(code(r)).as(target + " " + r.body()).isEqualTo("NAME_INVALID");
        }
        assertThat(client.get("/v2/" + repo + "/tags/list").statusCode()).as("nothing was created in " + repo).isEqualTo(404);
    }

    @Test
    void ambiguousPathsAreNameInvalidUnderV2() throws IOException {
        for (String target : new String[]{"/v2/a%2Fb/tags/list", "/v2/a//b/tags/list", "/v2/a;x=y/b/tags/list",
                "/v2/a%2fb/manifests/latest"}) {
            RawHttp.Reply r = request("GET", target);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(code(r)).as(target + " " + r.body()).isEqualTo("NAME_INVALID");
        }
        // %00 fails Jetty's parsing of the request line, before the path is known: a JSON 400 all the same
        for (String method : new String[]{"GET", "PUT"}) {
            RawHttp.Reply r = request(method, "/v2/a%00b/manifests/latest");
            assertThat(r.status()).isEqualTo(400);
            assertThat(code(r)).isIn("NAME_INVALID", "UNSUPPORTED");
        }
    }

    @Test
    void ambiguousPathsUnderApiGetTheApisJson() throws IOException {
        RawHttp.Reply r = request("GET", "/api/v1/repositories/%2E%2E/x");
        assertThat(r.status()).isEqualTo(400);
        assertThat(code(r)).isEqualTo("INVALID_REQUEST");
    }

    @Test
    void oversizedHeadersAndUrisAreJson() throws IOException {
        RawHttp.Reply header = send("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(70_000) + "\r\nConnection: close\r\n\r\n");
        assertThat(header.status()).isEqualTo(431);
        assertThat(code(header)).isEqualTo("UNSUPPORTED");

        RawHttp.Reply apiHeader = send("GET /api/v1/repositories HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(70_000) + "\r\n\r\n");
        assertThat(apiHeader.status()).isEqualTo(431);
        assertThat(code(apiHeader)).isIn("SIZE_INVALID", "UNSUPPORTED"); // the path may not be known yet

        RawHttp.Reply uri = request("GET", "/v2/" + "u".repeat(70_000) + "/tags/list");
        assertThat(uri.status()).isEqualTo(414);
        assertThat(code(uri)).isEqualTo("UNSUPPORTED");
    }

    @Test
    void badHttpIsJson() throws IOException {
        RawHttp.Reply negative = send("PUT /v2/a/manifests/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(code(negative)).isEqualTo("UNSUPPORTED");

        RawHttp.Reply garbage = send("GARBAGE\r\n\r\n");
        assertThat(garbage.status()).isEqualTo(400);
        code(garbage);

        RawHttp.Reply badHeader = send("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n");
        assertThat(badHeader.status()).isEqualTo(400);
        code(badHeader);
    }

    @Test
    void ordinaryPathsStillWork() throws IOException {
        RawHttp.Reply r = request("GET", "/v2/");
        assertThat(r.status()).isEqualTo(200);
        String repo = repo();
        assertThat(client.pushBlob(repo, new byte[]{1, 2, 3})).isNotNull();
    }
}
