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

    /**
     * The JVM options that make the JDK's SHA-256 resumable ({@link JdkSha256State}); {@code java -jar gatehouse.jar}
     * has them from the jar's manifest ({@code Add-Opens}), anything else that starts the registry passes them.
     */
    java.util.List<String> JDK_DIGEST_OPTIONS = java.util.List.of(
            "--add-opens", "java.base/java.security=ALL-UNNAMED", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED");

    String algorithm();

    /** Hashes the buffer's remaining bytes (its position moves to its limit). */
    void update(ByteBuffer bytes);

    /** The digest of everything hashed; the digest is spent afterwards. */
    byte[] digest();

    /** The state to continue from elsewhere, or null when this kind cannot save it. */
    byte[] state();

    /** Fast, not resumable in another process. */
    static RunningDigest fast(String algorithm) {
        return new Jdk(algorithm, Digest.newMessageDigest(algorithm), false);
    }

    /** A fresh digest whose state can be saved. */
    static RunningDigest resumable(String algorithm) {
        if (algorithm.equals("sha256") && JdkSha256State.AVAILABLE) return new Jdk(algorithm, JdkSha256State.newDigest(), true);
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
        if (algorithm.equals("sha256") && JdkSha256State.AVAILABLE) return new Jdk(algorithm, JdkSha256State.restore(state), true);
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

    /**
     * The JDK's digest. Resumable only for the SUN provider's SHA-256 ({@link JdkSha256State}), whose state it saves in
     * Bouncy Castle's encoding.
     */
    final class Jdk implements RunningDigest {
        private final String algorithm;
        private final MessageDigest md;
        private final boolean resumable;

        private Jdk(String algorithm, MessageDigest md, boolean resumable) {
            this.algorithm = algorithm;
            this.md = md;
            this.resumable = resumable;
        }

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
            return resumable ? JdkSha256State.save(md) : null;
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
