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
 * TLS, or loopback); the registry neither stores nor logs them. The request and the report are defined here once, for
 * the command line ({@link #run}) and for the Jenkins plugin (which sends them with its own HTTP client).
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
        TagFilter f = spec.filter();
        ObjectNode body = body(upstream, f.regex() == null ? null : f.regex().pattern(), f.range() == null ? null : f.range().toString(),
                f.newest(), platforms.isEmpty() ? null : platforms.stream().map(Platform::toString).collect(Collectors.joining(",")),
                spec.dryRun(), plainHttp);
        if (upstreamCreds != null) upstreamCreds.writeTo(body.putObject("credentials"));
        // the registry names the target by its own loopback address; the caller reached it as registry.registry()
        return report(registry.postApi(path(spec.target().toString()), body, timeout), registry.registry())
                .withTarget(registry.registry() + "/" + spec.target());
    }

    /** The route below {@code /api/v1} that mirrors into {@code targetRepository}. */
    public static String path(String targetRepository) {
        return "/mirrors/" + targetRepository;
    }

    /**
     * The request body without credentials (each caller holds those its own way; they go under {@code credentials}
     * as {@code username} and {@code password}). Null arguments are left out: the registry's defaults apply.
     *
     * @param tags      regular expression on the whole tag
     * @param versions  version range, e.g. {@code >=3.18 <4}
     * @param platforms comma-separated, e.g. {@code linux/amd64,linux/arm64}
     */
    public static ObjectNode body(String upstream, String tags, String versions, Integer newest, String platforms, boolean dryRun,
                                  Boolean plainHttp) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("upstream", upstream).put("dryRun", dryRun);
        if (tags != null) body.put("tags", tags);
        if (versions != null) body.put("versions", versions);
        if (newest != null) body.put("newest", newest);
        if (platforms != null && !platforms.isBlank()) body.put("platforms", platforms);
        if (plainHttp != null) body.put("plainHttp", plainHttp);
        return body;
    }

    /** The report in the registry's answer ({@code {id, report}}); {@code from} names the registry in an error. */
    public static MirrorReport report(JsonNode answer, String from) {
        try {
            return Json.MAPPER.treeToValue(answer.path("report"), MirrorReport.class);
        } catch (JsonProcessingException e) {
            throw new RegistryException("the mirror report from " + from + " is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
