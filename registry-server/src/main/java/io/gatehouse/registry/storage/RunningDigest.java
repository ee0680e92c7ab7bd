package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The digest of an upload, computed as its bytes arrive. Two kinds: {@link #fast} for bytes hashed within one process
 * and request, and {@link #resumable}, whose state can be saved ({@link #state()}) with the upload session and
 * restored by another request on another replica ({@link #resume}), so a chunked upload never re-reads what it
 * already received. A resumable SHA-256 is the JDK's (SHA-NI/AVX intrinsics, about 5× faster) where its state can be
 * reached ({@link JdkSha256State}), Bouncy Castle's otherwise; both save the same encoding, so either resumes the other.
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
        if (algorithm.equals("sha256") && JdkSha256State.AVAILABLE) return new JdkResumable(JdkSha256State.newDigest());
        return bouncyCastle(algorithm);
    }

    /** A fresh Bouncy Castle digest (what {@link #resumable} falls back to). */
    static RunningDigest bouncyCastle(String algorithm) {
        return new Resumable(algorithm, switch (algorithm) {
            case "sha256" -> new SHA256Digest();
            case "sha512" -> new SHA512Digest();
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        });
    }

    /** Continues from a {@link #state()} saved earlier (by either kind). */
    static RunningDigest resume(String algorithm, byte[] state) {
        if (algorithm.equals("sha256") && JdkSha256State.AVAILABLE) return new JdkResumable(JdkSha256State.restore(state));
        return resumeBouncyCastle(algorithm, state);
    }

    /** Continues from a saved state with Bouncy Castle's digest. */
    static RunningDigest resumeBouncyCastle(String algorithm, byte[] state) {
        return new Resumable(algorithm, switch (algorithm) {
            case "sha256" -> new SHA256Digest(state);
            case "sha512" -> new SHA512Digest(state);
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        });
    }

    /** The JDK's SHA-256, its state saved in Bouncy Castle's encoding. */
    final class JdkResumable implements RunningDigest {
        private final MessageDigest md;

        private JdkResumable(MessageDigest md) {
            this.md = md;
        }

        @Override
        public String algorithm() {
            return "sha256";
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
            return JdkSha256State.save(md);
        }
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
