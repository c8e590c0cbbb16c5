package io.weft.spi;

import io.weft.Api;
import java.time.Duration;
import java.util.Objects;

/**
 * A clock that moves only when told to: by {@link #advance}, or, with auto-advance on, by the
 * {@link VirtualPoller} jumping to the loop's next timer whenever the loop is idle.
 *
 * <p>Paired with a {@link VirtualPoller}, a loop runs timers of any length without waiting for them, and the same
 * program produces the same sequence of events on every run.
 *
 * <p>Thread-safe: a test may advance the clock from another thread, which wakes a loop that is waiting for it.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class VirtualClock implements Clock {

  private volatile long now;
  private volatile boolean autoAdvance;
  private volatile Runnable onAdvance = () -> {};

  /** Creates a clock reading 0 with auto-advance on. */
  public VirtualClock() {
    this(0, true);
  }

  /**
   * Creates a clock.
   *
   * @param start the first reading; any value, including one just below {@link Long#MAX_VALUE} to test overflow
   * @param autoAdvance whether an idle loop jumps the clock to its next timer
   */
  public VirtualClock(long start, boolean autoAdvance) {
    this.now = start;
    this.autoAdvance = autoAdvance;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Returns whether an idle loop jumps this clock to its next timer. */
  public boolean autoAdvance() {
    return autoAdvance;
  }

  /** Turns auto-advance on or off. */
  public void setAutoAdvance(boolean autoAdvance) {
    this.autoAdvance = autoAdvance;
  }

  /**
   * Moves the clock forward.
   *
   * @param delta how far; must not be negative
   * @throws IllegalArgumentException if {@code delta} is negative
   */
  public void advance(Duration delta) {
    Objects.requireNonNull(delta, "delta must not be null");
    if (delta.isNegative()) {
      throw new IllegalArgumentException("delta must be >= 0, got " + delta);
    }
    advanceNanos(delta.toNanos());
  }

  /**
   * Moves the clock forward by {@code nanos} nanoseconds.
   *
   * @throws IllegalArgumentException if {@code nanos} is negative
   */
  public synchronized void advanceNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("nanos must be >= 0, got " + nanos);
    }
    now += nanos;
    onAdvance.run();
  }

  /** Called by the poller this clock is paired with, so that an advance from another thread wakes it. */
  void onAdvance(Runnable listener) {
    this.onAdvance = Objects.requireNonNull(listener);
  }

  @Override
  public String toString() {
    return "VirtualClock[now=" + now + "ns, autoAdvance=" + autoAdvance + "]";
  }
}
