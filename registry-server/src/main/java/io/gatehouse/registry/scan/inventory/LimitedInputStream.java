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

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        add(s);
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
