package io.gatehouse.core.report;

/**
 * The operating system of an image, from {@code etc/os-release}: {@code id} (debian, alpine, ubuntu…),
 * {@code versionId} (12, 3.11.6), {@code codename} (bookworm) and the human-readable {@code prettyName}.
 */
public record OsInfo(String id, String versionId, String codename, String prettyName) {
}
