package io.ser4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A running batch started by {@link Ser#submitAll}: cancel it, poll it, or wait for the results
 * (in input order, one {@link BatchResult} per item). Thread-safe.
 */
public final class BatchJob {
  private final int size;
  private final AtomicReferenceArray<BatchResult> results;
  private final CountDownLatch remaining;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();

  BatchJob(int size) {
    this.size = size;
    this.results = new AtomicReferenceArray<>(size);
    this.remaining = new CountDownLatch(size);
  }

  /** Number of items. */
  public int size() {
    return size;
  }

  /** Items finished so far (recognised, failed or cancelled). */
  public long completed() {
    return done.get();
  }

  /**
   * Asks the batch to stop: items not yet started are reported as cancelled ({@link
   * AnalysisCancelledException}); items already running finish. Returns at once.
   */
  public void cancel() {
    cancelled.set(true);
  }

  /** True after {@link #cancel()}. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /** True when every item has a result. */
  public boolean isDone() {
    return remaining.getCount() == 0;
  }

  /**
   * Waits for every item and returns the results in input order. If the waiting thread is
   * interrupted, the batch is cancelled, the call still waits for the running items (each is one
   * recognition) and returns, with the thread's interrupt flag set again.
   */
  public List<BatchResult> await() {
    boolean interrupted = false;
    while (true) {
      try {
        remaining.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        cancel();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<BatchResult> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(results.get(i));
    }
    return out;
  }

  /** Records one result; returns the number finished so far. */
  long complete(BatchResult r) {
    if (!results.compareAndSet(r.index(), null, r)) {
      throw new IllegalStateException("item " + r.index() + " completed twice");
    }
    long n = done.incrementAndGet();
    remaining.countDown();
    return n;
  }
}
