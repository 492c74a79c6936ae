package io.ser4j.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpRetryTest {
  @Test
  void backoffIsFullJitterUnderADoublingCeilingCappedAndSeeded() {
    HttpRetry a = new HttpRetry(Duration.ofMillis(100), Duration.ofMillis(1000), 7L);
    HttpRetry b = new HttpRetry(Duration.ofMillis(100), Duration.ofMillis(1000), 7L);
    for (int attempt = 1; attempt <= 8; attempt++) {
      long ceiling = Math.min(1000, 100L << (attempt - 1));
      Duration d = a.backoff(attempt, null);
      assertThat(d.toMillis()).as("attempt %d", attempt).isBetween(0L, ceiling);
      assertThat(b.backoff(attempt, null)).isEqualTo(d);
    }
    assertThat(a.backoff(1, Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
    assertThat(a.backoff(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void onlyTransientStatusesAreRetried() {
    for (int s : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(HttpRetry.isRetryable(s)).as("%d", s).isTrue();
    }
    for (int s : new int[] {200, 400, 401, 403, 404, 413, 422, 501}) {
      assertThat(HttpRetry.isRetryable(s)).as("%d", s).isFalse();
    }
  }
}
