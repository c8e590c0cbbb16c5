package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.Future;
import io.weft.internal.WaitQueue;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock}. Not owned by a task: any task (or callback) may release
 * it, and it is not reentrant.
 *
 * <pre>{@code
 * try (Lock.Held h = lock.hold()) {
 *   ... // at most one task at a time runs here
 * }
 * }</pre>
 *
 * <h2>Fairness</h2>
 *
 * <p>Waiters acquire in the order they started waiting. {@link #release()} hands the lock to the first waiter; until
 * that waiter resumes, {@link #locked()} is false, yet a task that never waited cannot take the lock: {@link #acquire()}
 * takes it at once only when it is unlocked and no waiter is still waiting for it. If the woken waiter is cancelled
 * before it resumes, it hands the lock on to the next waiter.
 *
 * <p>Not thread-safe: use it from the tasks and callbacks of one loop, which it binds to when a task first waits.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Lock {

  static {
    io.weft.internal.Guards.publish(g -> g instanceof Lock l ? l.holders() : java.util.List.of());
  }

  /** UNLOCKED, LOCKED, or released to a woken waiter that has not resumed yet (HANDED_OFF). */
  private enum State { UNLOCKED, LOCKED, HANDED_OFF }

  private final WaitQueue queue = new WaitQueue(this);
  // Invariant: UNLOCKED implies no waiter is unwoken (release and passOn wake the next waiter when there is one).
  // Invariant: HANDED_OFF iff exactly one waiter was woken and has neither resumed nor left the queue.
  private State state = State.UNLOCKED;
  // The task that took the lock, or null (taken by a callback, or not held); for deadlock reports only.
  private io.weft.Task<?> holder;

  /** Creates an unlocked lock. */
  public Lock() {}

  /** Returns whether the lock is held; false while it is being handed to a woken waiter. */
  public boolean locked() {
    return state == State.LOCKED;
  }

  /**
   * Acquires the lock, waiting for it if it is held or other tasks wait for it; returns true.
   *
   * @throws CancelledError if the task is cancelled while waiting; the lock is then not held by it
   * @throws IllegalStateException if not called from a task, or if the lock is bound to another loop
   */
  public boolean acquire() {
    SyncChecks.requireTask(this, "acquire");
    if (state == State.UNLOCKED) {
      state = State.LOCKED;
      holder = io.weft.Task.current();
      return true;
    }
    Future<Void> waiter = queue.enqueue();
    queue.await(waiter, this::passOn);
    if (state != State.HANDED_OFF) {
      throw new IllegalStateException("a woken waiter resumed, but the lock is " + state + ": " + this);
    }
    state = State.LOCKED;
    holder = io.weft.Task.current();
    return true;
  }

  /**
   * Acquires the lock as {@link #acquire()} and returns a handle whose {@link Held#close()} releases it, for
   * try-with-resources.
   */
  public Held hold() {
    acquire();
    return new Held(this);
  }

  /**
   * Releases the lock and hands it to the first waiter, if any. Any task or callback may release it.
   *
   * @throws IllegalStateException with the message {@code "Lock is not acquired."} if the lock is not held
   */
  public void release() {
    if (state != State.LOCKED) {
      throw new IllegalStateException("Lock is not acquired.");
    }
    handToNext();
  }

  /** A woken waiter was cancelled before it resumed: the lock goes to the next waiter instead. */
  private void passOn() {
    if (state != State.HANDED_OFF) {
      throw new IllegalStateException("a woken waiter was cancelled, but the lock is " + state + ": " + this);
    }
    handToNext();
  }

  private void handToNext() {
    holder = null;
    state = queue.wakeFirst() ? State.HANDED_OFF : State.UNLOCKED;
  }

  /** Returns the task holding the lock, if a task took it (for the simulator's wait-for graph). */
  java.util.List<io.weft.Task<?>> holders() {
    io.weft.Task<?> h = holder;
    return state == State.LOCKED && h != null ? java.util.List.of(h) : java.util.List.of();
  }

  /** Returns the number of waiters in the queue, cancelled ones that have not left yet included. */
  int waiterCount() {
    return queue.size();
  }

  /** Throws if an invariant of the fields is broken; tests call it between steps. */
  void checkInvariants() {
    if (state == State.UNLOCKED && queue.hasUnwoken()) {
      throw new IllegalStateException("unlocked, yet a waiter was never woken: " + this);
    }
    if (state == State.HANDED_OFF && queue.isEmpty()) {
      throw new IllegalStateException("handed off, yet no waiter is left to take it: " + this);
    }
  }

  /** Returns {@code Lock[locked]} or {@code Lock[unlocked, waiters:N]}, as asyncio's repr. */
  @Override
  public String toString() {
    String s = locked() ? "locked" : "unlocked";
    return "Lock[" + s + (queue.isEmpty() ? "" : ", waiters:" + queue.size()) + "]";
  }

  /**
   * A held lock, for try-with-resources: {@link #close()} releases it, once.
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public static final class Held implements AutoCloseable {
    private final Lock lock;
    private boolean closed;

    Held(Lock lock) {
      this.lock = lock;
    }

    /**
     * Releases the lock; later calls do nothing.
     *
     * @throws IllegalStateException if the lock was already released by other means
     */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        lock.release();
      }
    }
  }
}
