package io.gatehouse.registry.cli;

import io.gatehouse.core.copy.CopyListener;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.reference.Digest;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One status line, redrawn in place (carriage return) at most five times a second, when the output is a terminal:
 * blobs done / in flight, bytes sent, manifests pushed. Off a terminal it stays silent and only the summary is printed.
 */
final class ProgressDisplay implements CopyListener {
    private final PrintStream out;
    private final boolean enabled;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger copied = new AtomicInteger();
    private final AtomicInteger existing = new AtomicInteger();
    private final AtomicInteger manifests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong expected = new AtomicLong();
    private volatile long lastDraw;
    private final long startNanos = System.nanoTime();

    ProgressDisplay(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    static boolean isTerminal() {
        return System.console() != null;
    }

    @Override
    public void blobStarted(Descriptor blob) {
        started.incrementAndGet();
        expected.addAndGet(blob.size());
        draw(false);
    }

    @Override
    public void blobProgress(Descriptor blob, long n) {
        bytes.addAndGet(n);
        draw(false);
    }

    @Override
    public void blobFinished(Descriptor blob, BlobOutcome outcome) {
        if (outcome == BlobOutcome.COPIED) copied.incrementAndGet();
        else existing.incrementAndGet();
        draw(false);
    }

    @Override
    public void manifestPushed(String reference, Digest digest) {
        manifests.incrementAndGet();
        draw(false);
    }

    private void draw(boolean force) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        double secs = Math.max(0.001, (now - startNanos) / 1e9);
        String line = String.format("  blobs: %d copied, %d already there, %d in flight | %s of %s | %s/s | manifests: %d",
                copied.get(), existing.get(), Math.max(0, started.get() - copied.get()),
                MirrorReport.humanBytes(bytes.get()), MirrorReport.humanBytes(expected.get()),
                MirrorReport.humanBytes((long) (bytes.get() / secs)), manifests.get());
        synchronized (out) {
            out.print("\r" + line + "   ");
            out.flush();
        }
    }

    void finish() {
        if (!enabled) return;
        draw(true);
        synchronized (out) {
            out.println();
        }
    }
}
