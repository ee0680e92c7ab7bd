package io.gatehouse.jenkins.service;

/**
 * A named policy published to the registry ({@code POST /api/v1/policies}): the registry's name and version of it,
 * and whether this call made that version ({@code false}: the registry's latest version already said the same).
 */
public record PolicyPublication(String name, int version, boolean published) {
    @Override
    public String toString() {
        return "policy '" + name + "' " + (published ? "published as version " : "unchanged at version ") + version;
    }
}
