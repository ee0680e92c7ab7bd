package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Blobs on the local filesystem:
 * <pre>
 *   &lt;data&gt;/blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;   committed, immutable, named by digest
 *   &lt;data&gt;/uploads/&lt;id&gt;/data                      an upload in progress
 * </pre>
 * Uploads and blobs share one filesystem, so commit is fsync + an atomic rename: a crash leaves either no blob or
 * the whole verified blob, never a partial one. While an upload arrives, {@link WriteBehind} already pushes its
 * bytes to disk, so the fsync before the rename costs only the last few megabytes.
 */
public final class FileSystemBlobStore implements BlobStore {
    /** Big buffers: hashing and writing in 1 MiB steps keeps a push near disk and SHA-256 speed. */
    private static final int BUFFER = 1 << 20;

    /** How much an upload writes between two write-behind flushes: big enough to be few, small enough to overlap. */
    private static final long WRITE_BEHIND_STEP = 32L << 20;

    private final Path blobs;
    private final Path uploads;
    private final boolean fsync;
    private final WriteBehind writeBehind;

    /** A durable store: every blob is on disk (fsync) before it becomes visible. */
    public FileSystemBlobStore(Path dataDir) throws IOException {
        this(dataDir, true);
    }

    /**
     * @param fsync whether commit makes a blob durable before renaming it into place. Without it a blob is still
     *              committed atomically and survives a crash of the registry process (the kernel holds the bytes),
     *              but not a power failure or a kernel crash, which can leave a visible blob with lost content.
     */
    public FileSystemBlobStore(Path dataDir, boolean fsync) throws IOException {
        this.fsync = fsync;
        this.writeBehind = fsync ? new WriteBehind() : null;
        this.blobs = dataDir.resolve("blobs");
        this.uploads = dataDir.resolve("uploads");
        Files.createDirectories(blobs);
        Files.createDirectories(uploads);
    }

    public Path blobPath(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex().substring(0, 2)).resolve(d.hex());
    }

    private Path uploadDir(String id) {
        if (!id.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("bad upload id");
        return uploads.resolve(id);
    }

    private Path uploadData(String id) {
        return uploadDir(id).resolve("data");
    }

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return OptionalLong.of(Files.size(blobPath(digest)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public SeekableByteChannel open(Digest digest) throws IOException {
        return FileChannel.open(blobPath(digest), StandardOpenOption.READ);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(blobPath(digest));
    }

    @Override
    public List<Digest> list() throws IOException {
        List<Digest> out = new ArrayList<>();
        for (String alg : List.of("sha256", "sha512")) {
            Path dir = blobs.resolve(alg);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir, 2)) {
                files.filter(Files::isRegularFile).forEach(p -> {
                    String hex = p.getFileName().toString();
                    if (Digest.isDigest(alg + ":" + hex)) out.add(new Digest(alg, hex));
                });
            }
        }
        return out;
    }

    @Override
    public long lastModified(Digest digest) throws IOException {
        return Files.getLastModifiedTime(blobPath(digest)).toMillis();
    }

    @Override
    public UploadCursor createUpload(String id) throws IOException {
        Path dir = uploadDir(id);
        Files.createDirectories(dir);
        try {
            Files.createFile(dir.resolve("data"));
        } catch (FileAlreadyExistsException ignored) {
            // an idempotent retry
        }
        return new UploadCursor(id, 0, null);
    }

    @Override
    public boolean uploadExists(UploadCursor at) {
        // After a crash the file may hold bytes of a chunk that was never acknowledged (append cuts them off), but
        // never fewer than the session recorded.
        try {
            return Files.size(uploadData(at.id())) >= at.length();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public UploadCursor append(UploadCursor at, InputStream in, long maxBytes, RunningDigest hasher) throws IOException {
        String id = at.id();
        long offset = at.length();
        Path file = uploadData(id);
        BufferSource source = BufferSource.of(in, BUFFER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() != offset) ch.truncate(offset);
            ch.position(offset);
            long total = 0;
            long unflushed = 0;
            try {
                while (maxBytes < 0 || total < maxBytes) {
                    ByteBuffer bb = source.nextBuffer();
                    if (bb == null) break;
                    if (maxBytes >= 0 && bb.remaining() > maxBytes - total) {
                        bb = bb.slice(bb.position(), (int) (maxBytes - total)); // the rest is not this upload's
                    }
                    int n = bb.remaining();
                    if (hasher != null) hasher.update(bb.duplicate());
                    while (bb.hasRemaining()) ch.write(bb);
                    total += n;
                    unflushed += n;
                    if (writeBehind != null && unflushed >= WRITE_BEHIND_STEP) {
                        writeBehind.flushSoon(file);
                        unflushed = 0;
                    }
                }
            } catch (IOException | RuntimeException e) {
                ch.truncate(offset);
                throw e;
            }
            return new UploadCursor(id, offset + total, null);
        }
    }

    @Override
    public UploadCursor hashUpload(UploadCursor at, RunningDigest hasher) throws IOException {
        String id = at.id();
        long length = at.length();
        try (FileChannel ch = FileChannel.open(uploadData(id), StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.allocate(BUFFER);
            long left = length;
            while (left > 0) {
                bb.clear().limit((int) Math.min(bb.capacity(), left));
                int n = ch.read(bb);
                if (n < 0) throw new IOException("upload " + id + " is shorter than " + length + " bytes");
                bb.flip();
                hasher.update(bb);
                left -= n;
            }
        }
        return at;
    }

    @Override
    public void commit(UploadCursor at, Digest digest) throws IOException {
        String id = at.id();
        Path source = uploadData(id);
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
            if (ch.size() > at.length()) ch.truncate(at.length()); // bytes of a chunk never acknowledged
        }
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            deleteUpload(id); // deduplicated: the same bytes are already there
            return;
        }
        if (fsync) {
            try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("uploads and blobs must be on one filesystem for atomic commits", e);
        }
        if (fsync) fsyncDirectory(target.getParent());
        deleteUpload(id);
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be opened; the rename itself is still atomic
        }
    }

    @Override
    public void deleteUpload(String id) throws IOException {
        Path dir = uploadDir(id);
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                }
            }
        }
    }

    @Override
    public List<String> listUploads() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(uploads)) {
            for (Path p : ds) out.add(p.getFileName().toString());
        }
        return out;
    }

    @Override
    public long uploadLastModified(String id) {
        try {
            Path data = uploadData(id);
            return Files.getLastModifiedTime(Files.exists(data) ? data : uploadDir(id)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean available() {
        return Files.isWritable(blobs) && Files.isWritable(uploads);
    }
}
