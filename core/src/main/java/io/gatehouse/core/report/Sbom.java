package io.gatehouse.core.report;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The inventory of an image: its operating system (null when it has no os-release, e.g. a scratch image with jars)
 * and every package found, each tagged with the layer that installed it after whiteouts were applied.
 * {@code createdAt} is an ISO-8601 instant kept as text, so the records serialise with plain jackson-databind.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sbom(String imageDigest, OsInfo os, List<Package> packages, String createdAt) {
    public Sbom {
        packages = List.copyOf(packages);
    }
}
