package io.weft.internal;

/**
 * A task body that runs in steps, each started by the loop and ended by the body suspending or finishing.
 *
 * <p>The contract, checked by one test suite on every carrier: {@link #resume()} is called on the loop thread and
 * returns only when the body has called {@link #suspend()} or returned; exactly one of the loop and the body runs
 * at any time; everything the body did before suspending is visible to the loop after {@code resume} returns, and
 * the reverse; the body runs on the same thread ({@link #thread()}) for its whole life, so thread-bound state such
 * as locks and scoped values works.
 */
public interface Coroutine {

  /** Runs the body until it suspends or finishes. Called on the loop thread only. */
  void resume();

  /** Called by the body: hands control back to the loop until the next {@link #resume()}. */
  void suspend();

  /** Returns the thread the body runs on. */
  Thread thread();

  /** Returns the body's stack, innermost frame first: where it is suspended, or where it runs now. */
  default StackTraceElement[] stackTrace() {
    return thread().getStackTrace();
  }

  /** Returns whether {@link #resume()} was ever called. */
  boolean isStarted();

  /**
   * Called on the loop thread right after {@link #resume()} (or {@link #resumeHandedBack()}) returned with the body
   * neither suspended nor finished, that is blocked outside {@link #suspend()} (a contended monitor, a lock, a sleep):
   * waits up to {@code timeoutNanos} of real time for the JDK to hand the body back, and returns true if it did; the
   * loop must then call {@link #resumeHandedBack()}. Returns false when the time is up, when {@code timeoutNanos <= 0},
   * when the loop thread is interrupted, or when the carrier cannot take a body back (the default); from then on a
   * hand-back goes to the loop's queue as it would without the wait.
   */
  default boolean awaitHandBack(long timeoutNanos) {
    return false;
  }

  /** Runs the body that {@link #awaitHandBack} took back, on this thread, until it suspends, finishes or blocks again. */
  default void resumeHandedBack() {
    throw new IllegalStateException("this carrier does not hand blocked bodies back to the loop");
  }
}
