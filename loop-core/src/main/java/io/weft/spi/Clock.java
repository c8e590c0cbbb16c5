package io.weft.spi;

import io.weft.Api;

/**
 * The loop's source of monotonic time, in nanoseconds.
 *
 * <p>Readings only matter relative to each other: callers compare them by subtraction ({@code a - b < 0}), never
 * with {@code <}, so a clock may start anywhere, including just below {@link Long#MAX_VALUE}. Only
 * {@link SystemClock} reads the machine's time; everything else in Weft asks the loop's clock.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Clock {

  /** Returns the current reading in nanoseconds; never decreases between calls, modulo overflow. */
  long nanoTime();

  /** Returns the clock's resolution in nanoseconds: a timer is due when its deadline is less than now + resolution. */
  default long resolutionNanos() {
    return 1;
  }

  /** Returns the system clock, backed by {@link System#nanoTime()}. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
