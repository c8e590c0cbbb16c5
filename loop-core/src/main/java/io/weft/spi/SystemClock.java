package io.weft.spi;

import io.weft.Api;

/** The machine's monotonic clock: the only class in Weft that reads {@link System#nanoTime()}. */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class SystemClock implements Clock {

  /** The single instance. */
  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "SystemClock";
  }
}
