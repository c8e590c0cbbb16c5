package io.weft.internal.jfr;

import io.weft.spi.SystemClock;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock that a daemon thread ({@code weft-jfr-ticker}) advances about once a millisecond, read with one volatile
 * load: what a loop times its callbacks with while a recording wants {@code weft.SlowCallback}, so a recording costs a
 * loop no clock read per callback. The thread runs only while that event is enabled in a running recording; it exits
 * on its first tick after the event is turned off, and the next timed iteration starts another.
 *
 * <p>Its readings lag the system clock by up to a tick (more when the machine is loaded and the thread waits for a
 * CPU), which is precision enough for a threshold of tens of milliseconds.
 */
public final class CoarseTicker {

  private static final long TICK_NANOS = 1_000_000L;

  // Invariant: written only by the ticker thread (and by start() before that thread exists).
  private static volatile long now;
  // The running ticker thread, or null; set under the class lock, cleared by the thread as it exits.
  private static volatile Thread ticker;

  private CoarseTicker() {}

  /** Returns the latest tick: a {@link SystemClock} reading at most about a millisecond old while the ticker runs. */
  public static long nanoTime() {
    return now;
  }

  /** Starts the ticker thread unless it runs; call before timing with {@link #nanoTime()}. */
  public static void ensureRunning() {
    if (ticker == null) {
      start();
    }
  }

  private static synchronized void start() {
    if (ticker != null) {
      return;
    }
    now = SystemClock.INSTANCE.nanoTime();
    ticker = Thread.ofPlatform().daemon().name("weft-jfr-ticker").start(CoarseTicker::tick);
  }

  private static void tick() {
    try {
      while (WeftEvents.slowCallbackEnabled()) {
        now = SystemClock.INSTANCE.nanoTime();
        LockSupport.parkNanos(TICK_NANOS);
      }
    } finally {
      synchronized (CoarseTicker.class) {
        ticker = null;
      }
    }
  }
}
