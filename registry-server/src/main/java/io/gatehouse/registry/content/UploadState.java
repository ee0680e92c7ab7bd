package io.gatehouse.registry.content;

/** An upload session as clients see it: its id, repository and how many bytes it holds. */
public record UploadState(String id, String repository, long offset) {
}
