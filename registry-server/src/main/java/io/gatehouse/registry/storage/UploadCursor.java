package io.gatehouse.registry.storage;

/**
 * Where an upload stands in a {@link BlobStore}: how many bytes it holds and the store's own notes for continuing it
 * ({@code state}: null for stores that need none, such as the filesystem; for S3 the multipart upload, its parts
 * and where the unfinished part's bytes wait). The caller keeps it with the upload session in the database, in the
 * same row and the same update as the offset, so any process can continue the upload from there.
 */
public record UploadCursor(String id, long length, String state) {
    public UploadCursor {
        if (!id.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("bad upload id");
        if (length < 0) throw new IllegalArgumentException("negative upload length");
    }
}
