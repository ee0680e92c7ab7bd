package io.gatehouse.registry.scan.inventory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read through it and fails the scan, with {@code what} in the reason, past {@code limit}. */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String what;
    private long count;

    LimitedInputStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    long count() {
        return count;
    }

    private void add(long n) throws ScanFailedException {
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new ScanFailedException(what + " exceeds the limit of " + limit + " bytes");
            }
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        add(n);
        return n;
    }

    /**
     * Skips by reading into a large scratch buffer: the inflater streams' own skip reads 512 bytes at a time, and
     * skipping the contents of files nobody needs is most of what a scan does.
     */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (scratch == null) {
            scratch = new byte[1 << 16];
        }
        long left = n;
        while (left > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (r < 0) {
                break;
            }
            add(r);
            left -= r;
        }
        return n - left;
    }

    private byte[] scratch;

    @Override
    public boolean markSupported() {
        return false;
    }
}
