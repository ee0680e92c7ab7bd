package io.gatehouse.core.copy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.reference.Digest;

/**
 * Progress of a copy, for a terminal progress display or a Jenkins console. Called from transfer threads: keep it
 * cheap and thread-safe. All methods default to doing nothing.
 */
public interface CopyListener {
    enum BlobOutcome { COPIED, EXISTS, MOUNTED }

    default void blobStarted(Descriptor blob) {
    }

    /** {@code bytes} more bytes of {@code blob} were sent to the target. */
    default void blobProgress(Descriptor blob, long bytes) {
    }

    default void blobFinished(Descriptor blob, BlobOutcome outcome) {
    }

    default void manifestPushed(String reference, Digest digest) {
    }

    CopyListener NONE = new CopyListener() {
    };
}
