package io.gatehouse.registry.accounts;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}), so the cost
 * parameters travel with each hash and can be raised later without invalidating stored ones.
 */
public final class PasswordHasher {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** OWASP's minimum recommendation for Argon2id: 19 MiB, 2 iterations, 1 lane. Built on first use. */
    public static PasswordHasher defaults() {
        return Default.INSTANCE;
    }

    private static final class Default {
        static final PasswordHasher INSTANCE = new PasswordHasher(19 * 1024, 2, 1);
    }

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    /**
     * Verified against when the user does not exist, so an unknown name costs the same time as a wrong password. Not
     * the hash of anything: verifying costs the derivation with these parameters whatever the stored bytes, and
     * random bytes match no password. (Hashing a dummy password here cost every start of the registry a cold
     * 19 MiB Argon2id run before its first answer.)
     */
    private final String dummyHash;

    public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        byte[] salt = new byte[16];
        byte[] out = new byte[32];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(out);
        this.dummyHash = format(salt, out);
    }

    private String format(byte[] salt, byte[] out) {
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    public String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return format(salt, derive(password, salt, memoryKiB, iterations, parallelism, 32));
    }

    /** Constant-time check of {@code password} against a stored hash; false (never an exception) for a malformed hash. */
    public boolean verify(char[] password, String stored) {
        try {
            String[] parts = stored.split("\\$");
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !parts[1].equals("argon2id")) return false;
            int m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                String[] e = kv.split("=", 2);
                int v = Integer.parseInt(e[1]);
                switch (e[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> { return false; }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, m, t, p, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Burns the same time as a real verification; call it when the account does not exist. */
    public void verifyDummy(char[] password) {
        verify(password, dummyHash);
    }

    /**
     * Argon2id is memory-hard by design (19 MiB per hash here): an unbounded number of simultaneous hashes (32
     * clients whose cached Basic credentials expire together) would exhaust a small heap. At most one hash per
     * core runs at a time; the others wait their turn.
     */
    private static final java.util.concurrent.Semaphore CONCURRENT = new java.util.concurrent.Semaphore(
            Math.max(1, Runtime.getRuntime().availableProcessors()), true);

    private static byte[] derive(char[] password, byte[] salt, int m, int t, int p, int len) {
        CONCURRENT.acquireUninterruptibly();
        try {
            return deriveNow(password, salt, m, t, p, len);
        } finally {
            CONCURRENT.release();
        }
    }

    private static byte[] deriveNow(char[] password, byte[] salt, int m, int t, int p, int len) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
        gen.generateBytes(pw, out);
        java.util.Arrays.fill(pw, (byte) 0);
        return out;
    }
}
