package io.ser4j.model.remote;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Random;

/**
 * The retry policy shared by the clients of OpenAI-compatible endpoints (the remote SpeechLM and
 * the LLM teacher): which HTTP statuses are worth retrying, the server's {@code Retry-After}, and
 * exponential backoff with full jitter, capped.
 *
 * <p>Thread-safe: the jitter generator is used under its own lock.
 */
public final class HttpRetry {
  private static final int HTTP_REQUEST_TIMEOUT = 408;
  private static final int HTTP_TOO_MANY_REQUESTS = 429;

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Random jitter;

  /**
   * A policy.
   *
   * @param initialBackoff the ceiling of the first wait (doubled per attempt)
   * @param maxBackoff the cap of every wait, the server's {@code Retry-After} included
   * @param jitterSeed seed of the jitter ({@code null}: unseeded)
   */
  public HttpRetry(Duration initialBackoff, Duration maxBackoff, Long jitterSeed) {
    this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    this.jitter = jitterSeed == null ? new Random() : new Random(jitterSeed);
  }

  /**
   * The wait before retry number {@code attempt}: the server's {@code retryAfter} when given, else
   * a uniform draw in {@code [0, initialBackoff * 2^(attempt-1)]} (full jitter); both capped at
   * {@code maxBackoff}.
   *
   * @param attempt 1 for the first retry
   * @param retryAfter the server's wish, or {@code null}
   * @return the wait
   */
  public Duration backoff(int attempt, Duration retryAfter) {
    long capMs = maxBackoff.toMillis();
    if (retryAfter != null) {
      return Duration.ofMillis(Math.min(capMs, retryAfter.toMillis()));
    }
    long ceiling = initialBackoff.toMillis();
    for (int i = 1; i < attempt && ceiling < capMs; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, capMs);
    long ms;
    synchronized (jitter) {
      ms = (long) (jitter.nextDouble() * (ceiling + 1));
    }
    return Duration.ofMillis(Math.min(ms, capMs));
  }

  /**
   * Whether a reply with this status is worth retrying: 408, 429, 500, 502, 503, 504.
   *
   * @param status the HTTP status
   * @return true for a transient failure
   */
  public static boolean isRetryable(int status) {
    return status == HTTP_TOO_MANY_REQUESTS
        || status == HTTP_REQUEST_TIMEOUT
        || status == 500
        || status == 502
        || status == 503
        || status == 504;
  }

  /**
   * The server's wish: {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP
   * date (RFC 1123); {@code null} when absent or unreadable.
   *
   * @param response the reply
   * @return the wait the server asks for, or {@code null}
   */
  public static Duration retryAfter(HttpResponse<?> response) {
    String ms = response.headers().firstValue("retry-after-ms").orElse(null);
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.trim());
        if (v >= 0 && Double.isFinite(v)) {
          return Duration.ofMillis((long) Math.ceil(v));
        }
      } catch (NumberFormatException e) {
        // fall through to Retry-After
      }
    }
    String v = response.headers().firstValue("Retry-After").orElse(null);
    if (v == null) {
      return null;
    }
    try {
      double s = Double.parseDouble(v.trim());
      return s < 0 || !Double.isFinite(s) ? null : Duration.ofMillis((long) Math.ceil(s * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
