package io.ser4j.rationale.llm;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces request starts at least {@code 1 / rps} seconds apart across all threads (no bursts), and
 * lets a server's {@code Retry-After} pause every thread until a given time. With {@code rps = 0}
 * only pauses apply. Thread-safe.
 */
final class RateLimiter {
  /** Waits; replaced in tests. */
  @FunctionalInterface
  interface Sleeper {
    /** Sleeps for {@code d} (non-negative). */
    void sleep(Duration d) throws InterruptedException;
  }

  private static final long NANOS_PER_S = 1_000_000_000L;

  private final long intervalNanos;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private long nextFree;
  private boolean started;

  /**
   * @param rps requests per second, 0 = unlimited
   * @param clock monotonic nanoseconds (normally {@link System#nanoTime()})
   * @param sleeper how to wait
   */
  RateLimiter(double rps, LongSupplier clock, Sleeper sleeper) {
    this.intervalNanos = rps <= 0 ? 0 : (long) Math.ceil(NANOS_PER_S / rps);
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Blocks until this caller may start a request. */
  void acquire() throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = clock.getAsLong();
      long slot = started && nextFree - now > 0 ? nextFree : now;
      started = true;
      nextFree = slot + intervalNanos;
      wait = slot - now;
    }
    if (wait > 0) {
      sleeper.sleep(Duration.ofNanos(wait));
    }
  }

  /** No request starts before {@code now + d} (a server asked every client to back off). */
  void pauseFor(Duration d) {
    synchronized (this) {
      long until = clock.getAsLong() + d.toNanos();
      if (!started || until - nextFree > 0) {
        nextFree = until;
        started = true;
      }
    }
  }
}
