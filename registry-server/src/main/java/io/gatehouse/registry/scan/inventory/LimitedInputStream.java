package io.gatehouse.registry.scan.inventory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts bytes read through it and fails the scan, with {@code what} in the reason, past {@code limit}; optionally
 * also when a window opened with {@link #window} reads more than its own limit.
 */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String what;
    private long count;
    private long windowEnd = Long.MAX_VALUE;
    private String windowWhat;
    private LimitedInputStream ratioSource;
    private long maxRatio;
    private long ratioFloor;

    LimitedInputStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    long count() {
        return count;
    }

    /** From now on at most {@code max} more bytes may be read until {@link #closeWindow}; {@code what} says why. */
    void window(long max, String what) {
        this.windowEnd = count + max;
        this.windowWhat = what;
    }

    void closeWindow() {
        this.windowEnd = Long.MAX_VALUE;
    }

    /**
     * Fails once more than {@code floor} bytes were read and they are more than {@code maxRatio} times what
     * {@code source} (the compressed stream this one decompresses) delivered. A ratio of 0 or less checks nothing.
     */
    void limitRatio(LimitedInputStream source, long maxRatio, long floor) {
        this.ratioSource = maxRatio > 0 ? source : null;
        this.maxRatio = maxRatio;
        this.ratioFloor = floor;
    }

    /** Counts {@code n} bytes that the reader above makes up without reading them here (a sparse file's holes). */
    void expand(long n) throws ScanFailedException {
        add(n);
    }

    private void add(long n) throws ScanFailedException {
        if (n > 0) {
            count = n > Long.MAX_VALUE - count ? Long.MAX_VALUE : count + n; // saturates: expand() takes any size
            if (count > limit) {
                throw new ScanFailedException(what + " exceeds the limit of " + limit + " bytes");
            }
            if (count > windowEnd) {
                throw new ScanFailedException(windowWhat);
            }
            if (ratioSource != null && count > ratioFloor && count / maxRatio > ratioSource.count) {
                throw new ScanFailedException(what + " decompresses to more than " + maxRatio
                        + " times its compressed size (" + ratioSource.count + " compressed bytes gave " + count
                        + "): a compression bomb");
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
