package io.ser4j.rationale.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The request schedule of {@link RateLimiter}, on a fake clock whose sleeps advance it. */
class RateLimiterTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final List<Long> starts = new ArrayList<>();

  RateLimiter limiter(double rps) {
    return new RateLimiter(rps, now::get, d -> now.addAndGet(d.toNanos()));
  }

  void start(RateLimiter l) throws InterruptedException {
    l.acquire();
    starts.add(now.get());
  }

  @Test
  void startsAreSpacedByOneOverRps() throws Exception {
    RateLimiter l = limiter(4); // 250 ms
    for (int i = 0; i < 5; i++) {
      start(l);
    }
    for (int i = 1; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1)).isEqualTo(250_000_000L);
    }
  }

  @Test
  void idleTimeIsNotBankedIntoABurst() throws Exception {
    RateLimiter l = limiter(10); // 100 ms
    start(l);
    now.addAndGet(5_000_000_000L); // idle 5 s
    start(l);
    start(l);
    assertThat(starts.get(2) - starts.get(1)).isEqualTo(100_000_000L);
  }

  @Test
  void concurrentCallersGetDistinctSlots() throws Exception {
    // without sleeping (callers compute their slots under the lock), 4 back-to-back acquires on a
    // frozen clock must be told to wait 0, 100, 200, 300 ms
    List<Duration> waits = new ArrayList<>();
    RateLimiter l = new RateLimiter(10, () -> 0L, waits::add);
    for (int i = 0; i < 4; i++) {
      l.acquire();
    }
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300));
  }

  @Test
  void aPauseHoldsEveryoneAndUnlimitedMeansOnlyPauses() throws Exception {
    RateLimiter l = limiter(0);
    start(l);
    start(l);
    assertThat(starts.get(1)).isEqualTo(starts.get(0));
    l.pauseFor(Duration.ofSeconds(2));
    start(l);
    assertThat(starts.get(2) - starts.get(1)).isEqualTo(2_000_000_000L);
    start(l);
    assertThat(starts.get(3)).isEqualTo(starts.get(2));
  }
}
