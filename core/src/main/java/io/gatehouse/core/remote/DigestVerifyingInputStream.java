package io.gatehouse.core.remote;

import io.gatehouse.core.reference.Digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes a blob while it streams and refuses to hand out its last bytes unless the digest matches. Because the check
 * happens before the final bytes are returned, a consumer piping this into an upload never sends a complete wrong
 * blob: the upload is cut short instead. Also catches truncation (EOF before the expected size) and overrun.
 */
public final class DigestVerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final MessageDigest md;
    private long count;
    private boolean verified;

    /** @param expectedSize the size from the descriptor, or -1 when unknown (then the digest is checked at EOF) */
    public DigestVerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.md = expected.newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (expectedSize >= 0 && count >= expectedSize) {
            // everything expected has been returned; anything more is an overrun
            int extra = in.read(b, off, Math.max(1, Math.min(len, 1)));
            if (extra > 0) throw new BlobVerificationException("blob " + expected + " is longer than its declared size " + expectedSize);
            return -1;
        }
        int want = expectedSize >= 0 ? (int) Math.min(len, expectedSize - count) : len;
        int n = in.read(b, off, want);
        if (n < 0) {
            if (expectedSize >= 0 && count < expectedSize) {
                throw new BlobVerificationException("blob " + expected + " was truncated: got " + count + " of " + expectedSize + " bytes");
            }
            verify();
            return -1;
        }
        md.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count == expectedSize) verify();
        return n;
    }

    private void verify() throws BlobVerificationException {
        if (verified) return;
        Digest actual = Digest.fromBytes(expected.algorithm(), md.digest());
        if (!actual.equals(expected)) {
            throw new BlobVerificationException("blob content does not match its digest: expected " + expected + ", got " + actual);
        }
        verified = true;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long bytesRead() {
        return count;
    }
}
