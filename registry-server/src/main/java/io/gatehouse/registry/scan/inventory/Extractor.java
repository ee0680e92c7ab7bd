package io.gatehouse.registry.scan.inventory;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads packages from one kind of file found in a layer. {@link #wants} is asked for every tar entry, so it must be
 * a cheap test of the path; {@link #extract} reads the entry's content straight from the tar stream (never from
 * disk) and must not read past the stream it is given.
 */
public interface Extractor {

    /** @param path normalised path inside the image, without a leading slash: {@code var/lib/dpkg/status} */
    boolean wants(String path);

    Extracted extract(String path, InputStream content, ExtractContext context) throws IOException;
}
