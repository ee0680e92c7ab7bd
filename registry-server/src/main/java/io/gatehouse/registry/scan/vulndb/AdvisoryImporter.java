package io.gatehouse.registry.scan.vulndb;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one feed format into the store. Importers parse and validate; a malformed input throws
 * {@link VulnDbImportException} and the store rolls the whole import back.
 */
public interface AdvisoryImporter {

    String format();

    void importFrom(Path path, AdvisorySink sink) throws IOException;
}
