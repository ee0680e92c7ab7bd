package io.gatehouse.registry.auth;

import io.gatehouse.registry.accounts.PasswordHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static io.gatehouse.registry.auth.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failed-login limit holds when the guesses come all at once: each attempt takes its place in the count before
 * the (slow) password check, so of 15 parallel wrong guesses for one account at most 5 are checked (401) and the
 * rest are refused (429) — on Basic to /v2/ and on the token endpoint alike.
 */
class ParallelLoginThrottleTest {

    private static final int PARALLEL = 15;
    /** Slow enough that the checks overlap, as production Argon2 parameters do. */
    private static final PasswordHasher SLOW = new PasswordHasher(16 * 1024, 2, 1);

    @TempDir
    Path dir;

    @Test
    void parallelBasicGuessesOnV2() throws Exception {
        try (AuthFixture f = new AuthFixture(dir, false, TokenKeys.ephemeral(), SLOW).start()) {
            f.auth.accounts().createUser("victim", "password-123".toCharArray(), false);
            Http http = new Http(f.base);
            List<Integer> statuses = inParallel(i -> () -> http.get("/v2/", basic("victim", "guess-" + i)).status());
            assertLimitHeld(statuses);
            assertThat(http.get("/v2/", basic("victim", "password-123")).status()).isEqualTo(429);
        }
    }

    @Test
    void parallelGuessesOnTheTokenEndpoint() throws Exception {
        try (AuthFixture f = new AuthFixture(dir, false, TokenKeys.ephemeral(), SLOW).start()) {
            f.auth.accounts().createUser("victim", "password-123".toCharArray(), false);
            Http http = new Http(f.base);
            List<Integer> statuses = inParallel(i -> () -> http.send("POST", "/auth/token", null, "application/x-www-form-urlencoded",
                    "grant_type=password&service=gatehouse&username=victim&password=guess-" + i).status());
            assertLimitHeld(statuses);
            List<Integer> viaGet = inParallel(i -> () -> http.token(basic("victim", "guess-" + i)).status());
            assertThat(viaGet).containsOnly(429);
        }
    }

    @Test
    void aSuccessInTheCrowdDoesNotCountAsAFailure() throws Exception {
        try (AuthFixture f = new AuthFixture(dir, false, TokenKeys.ephemeral(), SLOW).start()) {
            f.auth.accounts().createUser("owner", "password-123".toCharArray(), false);
            Http http = new Http(f.base);
            // Correct passwords in parallel never lock the account out.
            List<Integer> statuses = inParallel(i -> () -> http.token(basic("owner", "password-123")).status());
            assertThat(statuses).containsOnly(200);
            assertThat(http.token(basic("owner", "password-123")).status()).isEqualTo(200);
        }
    }

    private static void assertLimitHeld(List<Integer> statuses) {
        assertThat(statuses).hasSize(PARALLEL).containsOnly(401, 429);
        assertThat(statuses.stream().filter(s -> s == 401).count()).isLessThanOrEqualTo(5);
    }

    private static List<Integer> inParallel(IntFunction<java.util.concurrent.Callable<Integer>> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                java.util.concurrent.Callable<Integer> c = request.apply(i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<Integer> out = new ArrayList<>();
            for (Future<Integer> fu : futures) out.add(fu.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
