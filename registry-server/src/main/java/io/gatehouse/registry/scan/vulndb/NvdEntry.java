package io.gatehouse.registry.scan.vulndb;

/** NVD's view of one CVE: scores and the English description. */
public record NvdEntry(String cveId, String description, Double v3Score, String v3Vector, Double v4Score,
                       String v4Vector, String published, String modified) {
}
