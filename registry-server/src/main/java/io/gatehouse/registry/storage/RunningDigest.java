package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The digest of an upload, computed as its bytes arrive. Two kinds: the JDK's (SHA-NI/AVX intrinsics, several times
 * faster) for bytes hashed within one process and request, and Bouncy Castle's, whose state can be saved
 * ({@link #state()}) with the upload session and restored by another request on another replica
 * ({@link #resume}), so a chunked upload never re-reads what it already received.
 */
public interface RunningDigest {

    String algorithm();

    /** Hashes the buffer's remaining bytes (its position moves to its limit). */
    void update(ByteBuffer bytes);

    /** The digest of everything hashed; the digest is spent afterwards. */
    byte[] digest();

    /** The state to continue from elsewhere, or null when this kind cannot save it. */
    byte[] state();

    /** Fast, not resumable in another process. */
    static RunningDigest fast(String algorithm) {
        MessageDigest md = Digest.newMessageDigest(algorithm);
        return new RunningDigest() {
            @Override
            public String algorithm() {
                return algorithm;
            }

            @Override
            public void update(ByteBuffer bytes) {
                md.update(bytes);
            }

            @Override
            public byte[] digest() {
                return md.digest();
            }

            @Override
            public byte[] state() {
                return null;
            }
        };
    }

    /** A fresh digest whose state can be saved. */
    static RunningDigest resumable(String algorithm) {
        return new Resumable(algorithm, switch (algorithm) {
            case "sha256" -> new SHA256Digest();
            case "sha512" -> new SHA512Digest();
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        });
    }

    /** Continues from a {@link #state()} saved earlier. */
    static RunningDigest resume(String algorithm, byte[] state) {
        return new Resumable(algorithm, switch (algorithm) {
            case "sha256" -> new SHA256Digest(state);
            case "sha512" -> new SHA512Digest(state);
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        });
    }

    final class Resumable implements RunningDigest {
        private final String algorithm;
        private final org.bouncycastle.crypto.Digest digest;
        private byte[] scratch;

        private Resumable(String algorithm, org.bouncycastle.crypto.Digest digest) {
            this.algorithm = algorithm;
            this.digest = digest;
        }

        @Override
        public String algorithm() {
            return algorithm;
        }

        @Override
        public void update(ByteBuffer bytes) {
            if (bytes.hasArray()) {
                digest.update(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
                return;
            }
            if (scratch == null) scratch = new byte[64 * 1024];
            while (bytes.hasRemaining()) {
                int n = Math.min(scratch.length, bytes.remaining());
                bytes.get(scratch, 0, n);
                digest.update(scratch, 0, n);
            }
        }

        @Override
        public byte[] digest() {
            byte[] out = new byte[digest.getDigestSize()];
            digest.doFinal(out, 0);
            return out;
        }

        @Override
        public byte[] state() {
            return ((EncodableDigest) digest).getEncodedState();
        }
    }
}
