package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.HttpUrl;
import okhttp3.Response;

import java.util.ArrayList;
import java.util.List;

import static io.gatehouse.core.remote.RegistryEndpoint.nextLink;
import static io.gatehouse.core.remote.RegistryEndpoint.pull;
import static io.gatehouse.core.remote.RegistryEndpoint.readJson;

/** Lists names: a repository's tags and the registry's catalog, both paged by {@code Link: rel="next"}. */
final class TagLister {
    private final RegistryEndpoint endpoint;

    TagLister(RegistryEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    List<String> listTags(RepositoryName repo, int pageSize) {
        List<String> tags = new ArrayList<>();
        HttpUrl next = endpoint.url("/v2/" + repo + "/tags/list").newBuilder().addQueryParameter("n", Integer.toString(pageSize)).build();
        String path = "/v2/" + repo + "/tags/list";
        while (next != null) {
            try (Response r = endpoint.send("GET", next, null, List.of(pull(repo)), true)) {
                if (!r.isSuccessful()) throw endpoint.error("GET", path, r);
                JsonNode body = readJson(r, path);
                for (JsonNode t : body.path("tags")) tags.add(t.asText());
                next = nextLink(r);
            }
        }
        return tags;
    }

    List<String> catalog(int pageSize) {
        List<String> repos = new ArrayList<>();
        HttpUrl next = endpoint.url("/v2/_catalog").newBuilder().addQueryParameter("n", Integer.toString(pageSize)).build();
        while (next != null) {
            try (Response r = endpoint.send("GET", next, null, List.of("registry:catalog:*"), true)) {
                if (!r.isSuccessful()) throw endpoint.error("GET", "/v2/_catalog", r);
                for (JsonNode t : readJson(r, "/v2/_catalog").path("repositories")) repos.add(t.asText());
                next = nextLink(r);
            }
        }
        return repos;
    }
}
