package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;

public record BlobInfo(Digest digest, long size) {
}
