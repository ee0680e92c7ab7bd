package io.gatehouse.core.copy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Asks a Gatehouse registry to run a mirror itself ({@code POST /api/v1/mirrors/{target}}): the same {@link Mirror}
 * engine inside the target registry, so image data flows from the upstream straight into it, not through the
 * caller's host, and the caller only waits for the report. The upstream credentials travel in that one request (over
 * TLS, or loopback); the registry neither stores nor logs them.
 *
 * @param registry the Gatehouse registry, with the caller's credentials (push on the target repository)
 */
public record ServerSideMirror(RegistryClient registry) {

    /**
     * @param upstream      the upstream repository with its registry, e.g. {@code docker.io/library/alpine}
     * @param upstreamCreds for the upstream, or null for anonymous
     * @param plainHttp     talk plain HTTP to the upstream (null: the registry decides; loopback hosts are plain)
     * @param timeout       how long to wait for the report
     */
    public MirrorReport run(String upstream, Credentials upstreamCreds, Boolean plainHttp, MirrorSpec spec, List<Platform> platforms,
                            Duration timeout) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("upstream", upstream).put("dryRun", spec.dryRun());
        TagFilter f = spec.filter();
        if (f.regex() != null) body.put("tags", f.regex().pattern());
        if (f.range() != null) body.put("versions", f.range().toString());
        if (f.newest() != null) body.put("newest", f.newest());
        if (!platforms.isEmpty()) body.put("platforms", platforms.stream().map(Platform::toString).collect(Collectors.joining(",")));
        if (plainHttp != null) body.put("plainHttp", plainHttp);
        if (upstreamCreds != null) upstreamCreds.writeTo(body.putObject("credentials"));
        JsonNode answer = registry.postApi("/mirrors/" + spec.target(), body, timeout);
        try {
            return Json.MAPPER.treeToValue(answer.path("report"), MirrorReport.class);
        } catch (JsonProcessingException e) {
            throw new RegistryException("the mirror report from " + registry.registry() + " is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
