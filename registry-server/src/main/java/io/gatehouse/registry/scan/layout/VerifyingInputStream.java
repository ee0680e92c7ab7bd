package io.gatehouse.registry.scan.layout;

import io.gatehouse.core.reference.Digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * A blob read while it is hashed: on close the rest is read (the scanner may stop at the tar's end-of-archive
 * blocks, and what follows is part of the blob too) and the digest compared, failing with
 * {@link BlobDigestException} naming the blob. So a layer is read once, never trusted for its name alone.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final String where;
    private final MessageDigest md;
    private boolean closed;

    VerifyingInputStream(InputStream in, Digest expected, String where) {
        this(in, expected, where, expected.newMessageDigest());
    }

    private VerifyingInputStream(InputStream in, Digest expected, String where, MessageDigest md) {
        super(new DigestInputStream(in, md));
        this.expected = expected;
        this.where = where;
        this.md = md;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } finally {
            in.close();
        }
        check(expected, Digest.fromBytes(expected.algorithm(), md.digest()), where);
    }

    /** Fails unless {@code actual} is {@code expected}, with one line a person can act on. */
    static void check(Digest expected, Digest actual, String where) throws BlobDigestException {
        if (!actual.equals(expected)) {
            throw new BlobDigestException("blob " + expected + " in " + where + " does not match its digest (its "
                    + "content hashes to " + actual + "): the layout was altered or damaged");
        }
    }
}
