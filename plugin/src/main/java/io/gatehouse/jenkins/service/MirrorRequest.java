package io.gatehouse.jenkins.service;

/**
 * A mirror job: {@code source} upstream repository (e.g. docker.io/library/alpine), {@code target} repository in
 * our registry, {@code tags} a regular expression (null: all), {@code platforms} comma-separated os/arch list
 * (null: all), {@code upstreamAuth} for the source registry, {@code dryRun} to only plan.
 */
public record MirrorRequest(String source, String target, String tags, String platforms, RegistryAuth upstreamAuth, boolean dryRun)
        implements java.io.Serializable {
}
