package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.Future;
import io.weft.internal.WaitQueue;

/**
 * A counter of permits for tasks: asyncio's {@code Semaphore}. {@link #acquire()} takes a permit, waiting while there
 * is none; {@link #release()} gives one back. Not owned by a task: anyone may release.
 *
 * <pre>{@code
 * try (Semaphore.Held h = connections.hold()) {
 *   ... // at most `value` tasks at a time run here
 * }
 * }</pre>
 *
 * <h2>Fairness</h2>
 *
 * <p>Waiters acquire in the order they started waiting, and a newcomer cannot jump the queue: {@link #locked()} is
 * true while there is no permit <em>or</em> some task still waits (woken or not), and {@link #acquire()} waits
 * whenever {@code locked()} is true. A permit is reserved for a waiter when it is woken; a waiter that acquires wakes
 * as many further waiters as there are permits left, and a woken waiter that is cancelled before it resumes gives
 * its permit back and wakes the next.
 *
 * <p>Not thread-safe: use it from the tasks and callbacks of one loop, which it binds to when a task first waits.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public sealed class Semaphore permits BoundedSemaphore {

  private final WaitQueue queue = new WaitQueue(this);
  // Invariant: value >= 0; the permits reserved for woken waiters are already taken off.
  private int value;
  // Invariant: the number of waiters in the queue that were woken (each with a reserved permit) and have not resumed.
  private int woken;

  /** Creates a semaphore with one permit. */
  public Semaphore() {
    this(1);
  }

  /**
   * Creates a semaphore with {@code value} permits.
   *
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public Semaphore(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
    }
    this.value = value;
  }

  /** Returns whether {@link #acquire()} would wait: no permit is free, or some task is still waiting. */
  public boolean locked() {
    return value == 0 || woken > 0 || queue.hasUnwoken();
  }

  /**
   * Takes a permit, waiting in line if {@link #locked()}; returns true.
   *
   * @throws CancelledError if the task is cancelled while waiting; it then holds no permit
   * @throws IllegalStateException if not called from a task, or if the semaphore is bound to another loop
   */
  public boolean acquire() {
    SyncChecks.requireTask(this, "acquire");
    if (!locked()) {
      value--;
      return true;
    }
    Future<Void> waiter = queue.enqueue();
    try {
      queue.await(waiter, this::giveBack);
      woken--;
    } finally {
      // Waiters that arrived while this one was being woken had to queue behind it: wake as many as permits allow.
      while (value > 0 && wakeNext()) {
        // woke one
      }
    }
    return true;
  }

  /**
   * Takes a permit as {@link #acquire()} and returns a handle whose {@link Held#close()} releases it, for
   * try-with-resources.
   */
  public Held hold() {
    acquire();
    return new Held(this);
  }

  /** Gives a permit back and wakes the first waiter, if any. Any task or callback may release. */
  public void release() {
    value++;
    wakeNext();
  }

  /** A woken waiter was cancelled before it resumed: its reserved permit is free again. */
  private void giveBack() {
    woken--;
    value++;
  }

  private boolean wakeNext() {
    if (queue.wakeFirst()) {
      value--;
      woken++;
      return true;
    }
    return false;
  }

  /** Returns the number of free permits (those reserved for woken waiters not counted). */
  int value() {
    return value;
  }

  /** Returns the number of waiters in the queue, woken and cancelled ones that have not left yet included. */
  int waiterCount() {
    return queue.size();
  }

  /** Throws if an invariant of the fields is broken; tests call it between steps. */
  void checkInvariants() {
    if (value < 0 || woken < 0 || woken > queue.size()) {
      throw new IllegalStateException("value " + value + ", woken " + woken + ": " + this);
    }
    if (value > 0 && woken == 0 && queue.hasUnwoken()) {
      throw new IllegalStateException("a permit is free, yet a waiter was never woken: " + this);
    }
  }

  /** Returns {@code Semaphore[locked]} or {@code Semaphore[unlocked, value:N]}, with waiters, as asyncio's repr. */
  @Override
  public String toString() {
    String s = locked() ? "locked" : "unlocked, value:" + value;
    return getClass().getSimpleName() + "[" + s + (queue.isEmpty() ? "" : ", waiters:" + queue.size()) + "]";
  }

  /**
   * A held permit, for try-with-resources: {@link #close()} releases it, once.
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public static final class Held implements AutoCloseable {
    private final Semaphore semaphore;
    private boolean closed;

    Held(Semaphore semaphore) {
      this.semaphore = semaphore;
    }

    /**
     * Releases the permit; later calls do nothing.
     *
     * @throws IllegalArgumentException if the semaphore is a {@link BoundedSemaphore} already at its bound
     */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        semaphore.release();
      }
    }
  }
}
