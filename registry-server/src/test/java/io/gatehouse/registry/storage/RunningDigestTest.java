package io.gatehouse.registry.storage;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A resumable upload digest saved by one kind (the JDK's, Bouncy Castle's) and continued by either gives the digest
 * of the whole: at every offset within a block and across blocks, and from a state an older build saved.
 */
class RunningDigestTest {
    static final byte[] DATA = new byte[3 * 64 * 1024 + 77];

    static {
        new Random(42).nextBytes(DATA);
    }

    record Kind(String name, Supplier<RunningDigest> fresh, BiFunction<String, byte[], RunningDigest> resume) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind("jdk", () -> RunningDigest.resumable("sha256"), RunningDigest::resume),
            new Kind("bc", () -> RunningDigest.bouncyCastle("sha256"), RunningDigest::resumeBouncyCastle));

    @Test
    void theJdksStateIsReachableAsTheJarRunsIt() {
        // surefire opens the two packages as gatehouse.jar's manifest does: the fast kind is the one tested here
        assertThat(JdkSha256State.AVAILABLE).isTrue();
        assertThat(RunningDigest.resumable("sha256")).isInstanceOf(RunningDigest.Jdk.class);
    }

    @Test
    void aStateSavedByEitherKindIsContinuedByEitherAtEveryOffset() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(DATA);
        for (Kind saver : KINDS) {
            for (Kind resumer : KINDS) {
                for (int split = 0; split < DATA.length; split = split < 200 ? split + 1 : split * 3 + 13) {
                    RunningDigest first = saver.fresh().get();
                    first.update(ByteBuffer.wrap(DATA, 0, split));
                    byte[] state = first.state();
                    RunningDigest second = resumer.resume().apply("sha256", state);
                    second.update(ByteBuffer.wrap(DATA, split, DATA.length - split));
                    assertThat(HexFormat.of().formatHex(second.digest()))
                            .as("%s saved at %d, %s resumed", saver.name(), split, resumer.name())
                            .isEqualTo(HexFormat.of().formatHex(expected));
                }
            }
        }
    }

    @Test
    void chainedOverManyRequestsAlternatingKinds() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(DATA);
        RunningDigest d = KINDS.get(0).fresh().get();
        int off = 0;
        int step = 1;
        for (int i = 0; off < DATA.length; i++) {
            int n = Math.min(step, DATA.length - off);
            d.update(ByteBuffer.wrap(DATA, off, n));
            off += n;
            step = step * 2 + 5;
            d = KINDS.get(i % 2).resume().apply("sha256", d.state());
        }
        assertThat(d.digest()).isEqualTo(expected);
    }

    @Test
    void directBuffersHashLikeHeapOnes() throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(DATA.length).put(DATA).flip();
        RunningDigest d = RunningDigest.resumable("sha256");
        d.update(direct);
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(DATA));
    }

    @Test
    void aStateThatIsNotOneIsRefused() {
        byte[] state = RunningDigest.resumable("sha256").state();
        state[49] = 40; // 40 buffered words in a 16-word block
        assertThatThrownBy(() -> RunningDigest.resume("sha256", state)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunningDigest.resume("sha256", new byte[7])).isInstanceOf(RuntimeException.class);
    }

    @Test
    void sha512StaysResumable() throws Exception {
        RunningDigest d = RunningDigest.resumable("sha512");
        d.update(ByteBuffer.wrap(DATA, 0, 1000));
        RunningDigest r = RunningDigest.resume("sha512", d.state());
        r.update(ByteBuffer.wrap(DATA, 1000, DATA.length - 1000));
        assertThat(r.digest()).isEqualTo(MessageDigest.getInstance("SHA-512").digest(DATA));
    }
}
