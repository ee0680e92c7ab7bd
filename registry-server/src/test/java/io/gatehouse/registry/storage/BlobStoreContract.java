package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BlobStore} must do, run against each implementation ({@link FileSystemBlobStoreTest},
 * {@link S3BlobStoreTest}). Sizes straddle the S3 store's part size as the tests configure it (5 MiB), so chunks
 * that end inside a part, exactly on a part boundary and across several parts are all covered.
 */
abstract class BlobStoreContract {
    static final int PART = 5 << 20;

    /** The store under test. */
    abstract BlobStore store();

    /** A second instance over the same storage: another replica. */
    abstract BlobStore otherReplica();

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Appends {@code data} in chunks of the given sizes, each through a fresh (serialised) digest as sessions do. */
    static UploadCursor appendChunks(BlobStore store, UploadCursor at, byte[] data, RunningDigest[] hasher, int... sizes) throws IOException {
        int off = 0;
        for (int size : sizes) {
            UploadCursor next = store.append(at, new ByteArrayInputStream(data, off, size), size, hasher[0]);
            assertThat(next.length()).isEqualTo(at.length() + size);
            store.appended(at, next);
            hasher[0] = RunningDigest.resume(hasher[0].algorithm(), hasher[0].state());
            at = next;
            off += size;
        }
        return at;
    }

    static byte[] readAll(BlobStore store, Digest d) throws IOException {
        try (SeekableByteChannel ch = store.open(d)) {
            ByteBuffer bb = ByteBuffer.allocate((int) ch.size());
            while (bb.hasRemaining()) {
                if (ch.read(bb) < 0) break;
            }
            return bb.array();
        }
    }

    @Test
    void chunkedUploadAcrossPartsIsCommittedAndReadBack() throws IOException {
        byte[] data = random(2 * PART + 123_456, 1);
        Digest d = Digest.sha256(data);
        RunningDigest[] h = {RunningDigest.resumable("sha256")};
        UploadCursor at = store().createUpload(newId());
        // ends inside part 1, then crosses into part 3, then a short last chunk
        at = appendChunks(store(), at, data, h, 1000, PART + 5000, PART - 6000 + 100_000, 23_456);
        assertThat(at.length()).isEqualTo(data.length);
        assertThat(Digest.fromBytes("sha256", h[0].digest())).isEqualTo(d);
        // not visible before commit
        assertThat(store().stat(d)).isEmpty();
        assertThat(store().list()).doesNotContain(d);
        store().commit(at, d);
        assertThat(store().stat(d)).hasValue(data.length);
        assertThat(readAll(store(), d)).isEqualTo(data);
        try (SeekableByteChannel ch = store().open(d, data.length)) {
            ch.position(PART + 10);
            ByteBuffer bb = ByteBuffer.allocate(100);
            while (bb.hasRemaining()) ch.read(bb);
            assertThat(bb.array()).isEqualTo(Arrays.copyOfRange(data, PART + 10, PART + 110));
        }
        assertThat(store().list()).contains(d);
        assertThat(store().lastModified(d)).isPositive();
    }

    @Test
    void smallAndEmptyBlobs() throws IOException {
        for (int size : new int[]{0, 1, 4096}) {
            byte[] data = random(size, size);
            Digest d = Digest.sha256(data);
            UploadCursor at = store().createUpload(newId());
            RunningDigest md = RunningDigest.fast("sha256");
            at = store().append(at, new ByteArrayInputStream(data), -1, md);
            assertThat(Digest.fromBytes("sha256", md.digest())).isEqualTo(d);
            store().commit(at, d);
            assertThat(readAll(store(), d)).isEqualTo(data);
        }
    }

    @Test
    void anUploadEndingExactlyOnAPartBoundary() throws IOException {
        byte[] data = random(2 * PART, 2);
        Digest d = Digest.sha256(data);
        RunningDigest[] h = {RunningDigest.resumable("sha256")};
        UploadCursor at = appendChunks(store(), store().createUpload(newId()), data, h, PART, PART);
        store().commit(at, d);
        assertThat(readAll(store(), d)).isEqualTo(data);
    }

    @Test
    void anotherReplicaContinuesAnUploadFromItsSavedCursorAndDigestState() throws IOException {
        byte[] data = random(PART + 300_000, 3);
        Digest d = Digest.sha256(data);
        RunningDigest h1 = RunningDigest.resumable("sha256");
        UploadCursor at = store().createUpload(newId());
        UploadCursor mid = store().append(at, new ByteArrayInputStream(data, 0, 200_000), 200_000, h1);
        store().appended(at, mid);
        // what the database row carries: the cursor and the digest state
        UploadCursor saved = new UploadCursor(mid.id(), mid.length(), mid.state());
        byte[] state = h1.state();
        BlobStore other = otherReplica();
        RunningDigest h2 = RunningDigest.resume("sha256", state);
        UploadCursor end = other.append(saved, new ByteArrayInputStream(data, 200_000, data.length - 200_000), -1, h2);
        assertThat(end.length()).isEqualTo(data.length);
        assertThat(Digest.fromBytes("sha256", h2.digest())).isEqualTo(d);
        other.commit(end, d);
        assertThat(readAll(store(), d)).isEqualTo(data);
    }

    @Test
    void aFailedChunkLeavesTheUploadWhereItWasAndARetryCompletesIt() throws IOException {
        byte[] data = random(PART + PART / 2, 4);
        Digest d = Digest.sha256(data);
        RunningDigest h = RunningDigest.resumable("sha256");
        UploadCursor at = store().createUpload(newId());
        UploadCursor first = store().append(at, new ByteArrayInputStream(data, 0, 1000), 1000, h);
        byte[] saved = h.state();
        // a body that breaks after PART bytes: the client went away in the middle of the second part
        InputStream broken = new InputStream() {
            final InputStream in = new ByteArrayInputStream(data, 1000, data.length - 1000);
            long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= PART) throw new IOException("connection reset by peer");
                int n = in.read(b, off, (int) Math.min(len, PART - read));
                if (n > 0) read += n;
                return n;
            }
        };
        RunningDigest spoiled = RunningDigest.resume("sha256", saved);
        assertThatThrownBy(() -> store().append(first, broken, data.length - 1000, spoiled)).isInstanceOf(IOException.class);
        // retry of the same chunk from the saved cursor and digest state
        RunningDigest retry = RunningDigest.resume("sha256", saved);
        UploadCursor end = store().append(first, new ByteArrayInputStream(data, 1000, data.length - 1000), data.length - 1000, retry);
        assertThat(Digest.fromBytes("sha256", retry.digest())).isEqualTo(d);
        store().commit(end, d);
        assertThat(readAll(store(), d)).isEqualTo(data);
    }

    @Test
    void appendReadsAtMostMaxBytes() throws IOException {
        byte[] data = random(10_000, 5);
        UploadCursor at = store().createUpload(newId());
        RunningDigest md = RunningDigest.fast("sha256");
        InputStream in = new ByteArrayInputStream(data);
        UploadCursor end = store().append(at, in, 4000, md);
        assertThat(end.length()).isEqualTo(4000);
        Digest d = Digest.sha256(Arrays.copyOf(data, 4000));
        assertThat(Digest.fromBytes("sha256", md.digest())).isEqualTo(d);
        store().commit(end, d);
        assertThat(readAll(store(), d)).isEqualTo(Arrays.copyOf(data, 4000));
    }

    @Test
    void hashUploadComputesAnotherAlgorithmOverTheWholeUpload() throws IOException {
        byte[] data = random(PART + 77_000, 6);
        RunningDigest[] h = {RunningDigest.resumable("sha256")};
        UploadCursor at = appendChunks(store(), store().createUpload(newId()), data, h, 77_000, PART);
        RunningDigest sha512 = RunningDigest.fast("sha512");
        UploadCursor sealed = store().hashUpload(at, sha512);
        Digest d = Digest.fromBytes("sha512", sha512.digest());
        assertThat(d).isEqualTo(Digest.of("sha512", data));
        store().commit(sealed, d);
        assertThat(readAll(store(), d)).isEqualTo(data);
    }

    @Test
    void committingTheSameContentTwiceDeduplicates() throws IOException {
        byte[] data = random(50_000, 7);
        Digest d = Digest.sha256(data);
        for (int i = 0; i < 2; i++) {
            UploadCursor at = store().createUpload(newId());
            at = store().append(at, new ByteArrayInputStream(data), -1, null);
            store().commit(at, d);
        }
        assertThat(readAll(store(), d)).isEqualTo(data);
    }

    @Test
    void rangeReadsFollowThePosition() throws IOException {
        byte[] data = random(300_000, 8);
        Digest d = Digest.sha256(data);
        UploadCursor at = store().append(store().createUpload(newId()), new ByteArrayInputStream(data), -1, null);
        store().commit(at, d);
        try (SeekableByteChannel ch = store().open(d, data.length)) {
            assertThat(ch.size()).isEqualTo(data.length);
            ch.position(123_456);
            ByteBuffer bb = ByteBuffer.allocate(1000);
            while (bb.hasRemaining()) ch.read(bb);
            assertThat(bb.array()).isEqualTo(Arrays.copyOfRange(data, 123_456, 124_456));
            ch.position(10);
            ByteBuffer direct = ByteBuffer.allocateDirect(10);
            while (direct.hasRemaining()) ch.read(direct);
            byte[] got = new byte[10];
            direct.flip().get(got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            ch.position(data.length);
            assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void deletedAndMissingBlobs() throws IOException {
        byte[] data = random(1234, 9);
        Digest d = Digest.sha256(data);
        store().commit(store().append(store().createUpload(newId()), new ByteArrayInputStream(data), -1, null), d);
        store().delete(d);
        assertThat(store().stat(d)).isEmpty();
        assertThat(store().list()).doesNotContain(d);
        assertThatThrownBy(() -> store().open(d)).isInstanceOf(NoSuchFileException.class);
        store().delete(d); // idempotent
    }

    @Test
    void cancelledAndOrphanedUploadsAreListedAndRemoved() throws IOException {
        byte[] data = random(PART + 10, 10);
        String id = newId();
        UploadCursor at = store().createUpload(id);
        store().append(at, new ByteArrayInputStream(data), -1, null);
        assertThat(store().listUploads()).contains(id);
        assertThat(store().uploadLastModified(id)).isPositive();
        store().deleteUpload(id);
        assertThat(store().listUploads()).doesNotContain(id);
        store().deleteUpload(id); // idempotent
    }

    @Test
    void theStoreIsAvailable() {
        assertThat(store().available()).isTrue();
    }
}
