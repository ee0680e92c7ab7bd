package io.gatehouse.registry.scan.vulndb;

/** Where importers put what they read; the store writes it inside the import's transaction. */
public interface AdvisorySink {

    /** Replaces everything this advisory's source said before about this advisory id. */
    void advisory(Advisory advisory);

    /**
     * Replaces what {@code advisory.source()} said about {@code advisory.id()} for the packages in
     * {@code advisory.affected()} only (feeds organised per package, such as the Debian tracker and Alpine secdb,
     * describe one CVE in several files).
     */
    void advisoryPerPackage(Advisory advisory);

    void nvd(NvdEntry entry);
}
