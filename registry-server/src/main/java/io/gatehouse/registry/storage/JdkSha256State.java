package io.gatehouse.registry.storage;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.Arrays;

/**
 * Saves and restores the state of the JDK's own SHA-256 ({@code sun.security.provider.SHA2}), in Bouncy Castle's
 * encoding of a {@link SHA256Digest} state, so that a resumable upload digest runs at the JDK's speed (SHA-NI or AVX2
 * intrinsics: about 5× Bouncy Castle's, which was most of the CPU of a push to S3) and a state saved by either kind is
 * continued by either kind: a replica started without the module opening below still resumes what a faster one saved,
 * and sessions saved before this existed resume too.
 *
 * <p>The JDK has no API for a digest's state, so this reads and writes four fields of its provider by reflection.
 * That needs {@code --add-opens java.base/java.security=ALL-UNNAMED} and
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}, which {@code gatehouse.jar}'s manifest
 * ({@code Add-Opens}) grants when it is run with {@code java -jar} (the launcher does). The fields are the same in JDK
 * 17 to 25; should a JDK change them, {@link #AVAILABLE} is false (checked by a round trip when the class loads) and
 * Bouncy Castle does the work, as before.
 *
 * <p>Bouncy Castle's layout, as {@code SHA256Digest.getEncodedState} writes it: 4 bytes of a partial word and, at 4,
 * how many of them count; at 8 the byte count (long); at 16 the eight hash words; at 48 how many complete words of the
 * current block are buffered, then those words; a last byte for the digest's purpose. All big-endian.
 */
final class JdkSha256State {
    private static final Logger LOG = LoggerFactory.getLogger(JdkSha256State.class);

    private static final Field SPI;
    private static final Field STATE;
    private static final Field BUFFER;
    private static final Field BUF_OFS;
    private static final Field BYTES;
    /** The purpose byte Bouncy Castle writes last (the default purpose of a new digest). */
    private static final byte PURPOSE;
    /** Whether the JDK's digest state can be saved and restored here. */
    static final boolean AVAILABLE;

    static {
        Field spi = null, state = null, buffer = null, bufOfs = null, bytes = null;
        boolean ok = false;
        byte[] fresh = new SHA256Digest().getEncodedState();
        PURPOSE = fresh[fresh.length - 1];
        try {
            spi = delegateField();
            Class<?> base = Class.forName("sun.security.provider.DigestBase");
            Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
            state = accessible(sha2.getDeclaredField("state"));
            buffer = accessible(base.getDeclaredField("buffer"));
            bufOfs = accessible(base.getDeclaredField("bufOfs"));
            bytes = accessible(base.getDeclaredField("bytesProcessed"));
            ok = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("the JDK's SHA-256 state is not reachable ({}); resumable digests use Bouncy Castle", e.toString());
        }
        SPI = spi;
        STATE = state;
        BUFFER = buffer;
        BUF_OFS = bufOfs;
        BYTES = bytes;
        AVAILABLE = ok && selfCheck();
    }

    private JdkSha256State() {
    }

    private static Field delegateField() throws ReflectiveOperationException {
        for (Class<?> c = newDigest().getClass(); c != null; c = c.getSuperclass()) {
            try {
                return accessible(c.getDeclaredField("digestSpi"));
            } catch (NoSuchFieldException e) {
                // up the hierarchy: the delegate may be a cloneable subclass
            }
        }
        throw new NoSuchFieldException("digestSpi");
    }

    private static Field accessible(Field f) {
        f.setAccessible(true);
        return f;
    }

    /** The SUN provider's SHA-256, whose fields this class knows (another provider may come first in the list). */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("the JDK's SHA-256 is missing", e);
        }
    }

    /** The state of {@code md} (from {@link #newDigest}) in Bouncy Castle's encoding. */
    static byte[] save(MessageDigest md) {
        try {
            Object spi = SPI.get(md);
            int[] h = (int[]) STATE.get(spi);
            byte[] buffered = (byte[]) BUFFER.get(spi);
            int pending = BUF_OFS.getInt(spi);
            long count = BYTES.getLong(spi);
            int words = pending / 4;
            int partial = pending % 4;
            ByteBuffer out = ByteBuffer.allocate(52 + words * 4 + 1);
            out.put(0, buffered, words * 4, partial);
            out.putInt(4, partial);
            out.putLong(8, count);
            for (int i = 0; i < 8; i++) out.putInt(16 + i * 4, h[i]);
            out.putInt(48, words);
            out.put(52, buffered, 0, words * 4);
            out.put(52 + words * 4, PURPOSE);
            return out.array();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK digest continuing from a state in Bouncy Castle's encoding (saved by either kind). */
    static MessageDigest restore(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        int partial = in.getInt(4);
        long count = in.getLong(8);
        int words = in.getInt(48);
        if (partial < 0 || partial > 3 || words < 0 || words > 15 || encoded.length != 52 + words * 4 + 1) {
            throw new IllegalArgumentException("not a SHA-256 state");
        }
        byte[] pending = new byte[words * 4 + partial];
        in.get(52, pending, 0, words * 4);
        in.get(0, pending, words * 4, partial);
        if (count < pending.length || (count - pending.length) % 64 != 0) throw new IllegalArgumentException("not a SHA-256 state");
        MessageDigest md = newDigest();
        try {
            Object spi = SPI.get(md);
            int[] h = (int[]) STATE.get(spi);
            for (int i = 0; i < 8; i++) h[i] = in.getInt(16 + i * 4);
            BYTES.setLong(spi, count - pending.length);
            BUF_OFS.setInt(spi, 0);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        md.update(pending);
        return md;
    }

    // a round trip through both encodings and both kinds, once: if the JDK's fields meant something else now, the
    // digests would differ and Bouncy Castle would be used instead
    private static boolean selfCheck() {
        try {
            byte[] data = new byte[200];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + 7);
            byte[] expected = newDigest().digest(data);
            for (int split : new int[]{0, 3, 64, 70, 131}) {
                MessageDigest jdk = newDigest();
                jdk.update(data, 0, split);
                SHA256Digest bc = new SHA256Digest(save(jdk));
                bc.update(data, split, data.length - split);
                byte[] viaBc = new byte[32];
                bc.doFinal(viaBc, 0);
                SHA256Digest first = new SHA256Digest();
                first.update(data, 0, split);
                MessageDigest back = restore(first.getEncodedState());
                back.update(data, split, data.length - split);
                if (!Arrays.equals(expected, viaBc) || !Arrays.equals(expected, back.digest())) return false;
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
