-- Upload sessions that any replica can continue (storage.driver: s3): the running digest's saved state (base64) and
-- the blob store's note for continuing the upload (S3: multipart upload id, part ETags, the unfinished part's key),
-- written in the same UPDATE as committed_offset. Both NULL for the filesystem store. Portable SQL (SQLite, PostgreSQL).
ALTER TABLE uploads ADD COLUMN hash_state TEXT;
ALTER TABLE uploads ADD COLUMN store_state TEXT;
