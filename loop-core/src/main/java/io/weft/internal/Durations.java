package io.weft.internal;

import java.time.Duration;

/** Durations as nanoseconds for deadlines: saturated so that adding one to a clock reading cannot overflow. */
public final class Durations {

  /** The most a duration counts for: {@code Long.MAX_VALUE / 4} ns, about 73 years. */
  public static final long MAX_NANOS = Long.MAX_VALUE / 4;

  private Durations() {}

  /** {@code d} in nanoseconds, at most {@link #MAX_NANOS}; {@code d} must not be negative. */
  public static long saturatedNanos(Duration d) {
    return d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : d.toNanos();
  }
}
