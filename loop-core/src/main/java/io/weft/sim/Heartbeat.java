package io.weft.sim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a run's loop thread tells its {@link Supervisor}: a heartbeat that moves with every callback, task step and
 * iteration, and the real-time waits the loop bounds by itself (real work in flight, a task blocked on another
 * thread's lock), during which a silent heart is not a stuck step.
 */
final class Heartbeat {

  private static final VarHandle BEATS;

  static {
    try {
      BEATS = MethodHandles.lookup().findVarHandle(Heartbeat.class, "beats", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Invariant: written by the loop thread only (opaque, so as cheap as a plain store); read by the supervisor.
  private long beats;
  // Invariant: while waiting is true, the wait ends at waitDeadline (SystemClock nanos, written first).
  private volatile boolean waiting;
  private volatile long waitDeadline;

  /** Loop thread: one more callback, step or iteration; also ends a declared wait. */
  void beat() {
    BEATS.setOpaque(this, beats + 1);
    if (waiting) {
      waiting = false;
    }
  }

  /** Loop thread: a wait bounded by the loop itself starts, ending by {@code deadline} (SystemClock nanos). */
  void startWait(long deadline) {
    waitDeadline = deadline;
    waiting = true;
  }

  /** Supervisor: the beats so far. */
  long beats() {
    return (long) BEATS.getOpaque(this);
  }

  /** Supervisor: whether the loop is in a wait it bounds by itself. */
  boolean waiting() {
    return waiting;
  }

  /** Supervisor: when that wait ends; meaningful while {@link #waiting()}. */
  long waitDeadline() {
    return waitDeadline;
  }
}
