package io.gatehouse.registry.scan.service;

/**
 * Where a scan of one image stands.
 *
 * @param state           queued, running, done or failed
 * @param reason          why it failed (user-facing), else null
 * @param databaseVersion for done scans: the vulnerability database build the stored report used
 * @param reportDigest    for done scans: the report artifact's manifest digest (a referrer of the image)
 */
public record ScanStatus(String repository, String manifestDigest, State state, String reason,
                         String databaseVersion, String reportDigest, String sbomDigest) {

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    public boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }
}
