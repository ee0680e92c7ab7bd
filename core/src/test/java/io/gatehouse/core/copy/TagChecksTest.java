package io.gatehouse.core.copy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagChecksTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void eachTagIsCheckedOnceAndNeverMoreThanTheLimitAtATime() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        TagChecks<String> checks = new TagChecks<>(tag -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            calls.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
            sleep(5);
            running.decrementAndGet();
            return tag.toUpperCase();
        }, pool, 3);
        List<String> tags = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "t" + i).toList();
        tags.forEach(checks::add);
        tags.forEach(checks::add); // added twice, as a plan adds known tags and then the selected ones
        for (String t : tags) assertThat(checks.await(t)).isEqualTo(t.toUpperCase());
        assertThat(calls).hasSize(40).allSatisfy((t, n) -> assertThat(n.get()).as(t).isEqualTo(1));
        assertThat(most.get()).isBetween(1, 3);
    }

    @Test
    void aFailedCheckRethrowsAndOthersStillComplete() {
        TagChecks<String> checks = new TagChecks<>(tag -> {
            if (tag.equals("bad")) throw new IllegalArgumentException("no such tag: bad");
            return tag;
        }, pool, 2);
        List.of("a", "bad", "b").forEach(checks::add);
        assertThatThrownBy(() -> checks.await("bad")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such tag");
        assertThat(checks.await("a")).isEqualTo("a");
        assertThat(checks.await("b")).isEqualTo("b");
        assertThatThrownBy(() -> checks.await("never-added")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelDropsChecksNotStartedAndLaterAdditions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        TagChecks<String> checks = new TagChecks<>(tag -> {
            ran.incrementAndGet();
            started.countDown();
            await(release);
            return tag;
        }, pool, 1);
        List.of("first", "queued1", "queued2").forEach(checks::add);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        checks.cancel();
        checks.add("late");
        release.countDown();
        assertThat(checks.await("first")).isEqualTo("first");
        for (String t : List.of("queued1", "queued2", "late")) {
            assertThatThrownBy(() -> checks.await(t)).as(t).isInstanceOf(CancellationException.class);
        }
        assertThat(ran.get()).isEqualTo(1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
