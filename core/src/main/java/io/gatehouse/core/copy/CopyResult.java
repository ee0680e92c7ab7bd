package io.gatehouse.core.copy;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.ImageReference;

/**
 * What one copy did.
 *
 * @param sourceDigest digest of the top manifest at the source
 * @param targetDigest digest pushed to the target: equal to sourceDigest unless platforms were filtered
 * @param manifests    manifests pushed (children, top, referrers)
 * @param bytesCopied  blob bytes actually sent (existing and mounted blobs cost nothing)
 */
public record CopyResult(ImageReference source, ImageReference target, Digest sourceDigest, Digest targetDigest, int manifests,
                         int blobsCopied, int blobsExisting, int blobsMounted, long bytesCopied, int referrers) {
}
