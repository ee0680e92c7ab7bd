package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

/** Descriptor of the signed image manifest, written as the {@code subject} of the .sig manifest. */
public record Subject(String mediaType, Digest digest, long size) {
}
