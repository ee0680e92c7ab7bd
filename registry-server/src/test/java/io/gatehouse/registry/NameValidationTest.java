package io.gatehouse.registry;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

class NameValidationTest extends ServerTestBase {

    @Test
    void invalidNamesAreRefusedWithNameInvalid() {
        String[] names = {"Upper/app", "team/App", "a..b", "-lead", "trail-", "a//b", "a/_b", "x" .repeat(300), "a:b", "a%20b"};
        for (String name : names) {
            for (String path : new String[]{"/v2/" + name + "/manifests/latest", "/v2/" + name + "/tags/list",
                    "/v2/" + name + "/blobs/uploads/"}) {
                HttpResponse<byte[]> r = client.send(path.endsWith("uploads/") ? "POST" : "GET", path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(400);
                assertThat(errorCode(r)).as(path).isEqualTo("NAME_INVALID");
            }
        }
    }

    @Test
    void dotDotNeverReachesStorage() {
        // A literal ".." segment: either rejected outright by the HTTP layer (400) or, if normalised away, it
        // no longer names a /v2 repository. Never served as a repository called "../x".
        for (String path : new String[]{"/v2/../x/manifests/latest", "/v2/a/../../x/tags/list", "/v2/..%2Fx/manifests/latest",
                "/v2/%2e%2e/x/manifests/latest"}) {
            HttpResponse<byte[]> r = client.get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            if (r.statusCode() == 404 && r.body().length > 0 && r.body()[0] == '{') {
                assertThat(errorCode(r)).as(path).isNotEqualTo("MANIFEST_UNKNOWN");
            }
        }
    }

    @Test
    void longestValidNameWorks() {
        String name = "a".repeat(255);
        assertThat(client.pushBlob(name, new byte[]{1})).isNotNull();
        HttpResponse<byte[]> tooLong = client.get("/v2/" + "a".repeat(256) + "/tags/list");
        assertThat(errorCode(tooLong)).isEqualTo("NAME_INVALID");
    }
}
