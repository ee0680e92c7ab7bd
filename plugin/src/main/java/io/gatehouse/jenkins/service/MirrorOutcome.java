package io.gatehouse.jenkins.service;

import java.util.List;

/** What a mirror did: one row per tag considered. */
public record MirrorOutcome(List<Row> rows) implements java.io.Serializable {
    public MirrorOutcome {
        rows = List.copyOf(rows);
    }

    /** {@code reference} is the target image with tag, {@code digest} what it points at, {@code action} copied/skipped/planned. */
    public record Row(String tag, String reference, String digest, String action, String reason) implements java.io.Serializable {
    }
}
