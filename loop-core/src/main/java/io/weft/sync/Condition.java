package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.Future;
import io.weft.internal.WaitQueue;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks: asyncio's {@code Condition}. A task holding the condition's {@link Lock} waits with
 * {@link #await()}, which releases the lock, waits for a {@link #signal(int)}, and re-acquires the lock before it
 * returns.
 *
 * <pre>{@code
 * try (Lock.Held h = cond.hold()) {
 *   cond.awaitFor(() -> !items.isEmpty());
 *   take(items);
 * }
 * }</pre>
 *
 * <h2>Names</h2>
 *
 * <p>asyncio's {@code wait}, {@code wait_for}, {@code notify} and {@code notify_all} are {@link #await()},
 * {@link #awaitFor}, {@link #signal(int)} and {@link #signalAll()} here, as in
 * {@link java.util.concurrent.locks.Condition}: {@code wait()}, {@code notify()} and {@code notifyAll()} are final
 * methods of {@link Object}, and a {@code notify(int)} overload would leave {@code cond.notify()} compiling to
 * Object's method, which throws {@link IllegalMonitorStateException}.
 *
 * <h2>Cancellation</h2>
 *
 * <p>{@link #await()} always re-acquires the lock before it returns or throws, even when the task is cancelled while
 * waiting or while re-acquiring (it then keeps trying, and rethrows the last {@link CancelledError}, the same instance).
 * A waiter that leaves with an error wakes one other waiter, since it may have consumed a signal (a spurious wakeup
 * for the other, which the protocol allows: always wait in a loop, or use {@link #awaitFor}).
 *
 * <p>Not thread-safe: use it from the tasks and callbacks of one loop, which it binds to when a task first waits.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Condition {

  private final Lock lock;
  private final WaitQueue queue = new WaitQueue(this);

  /** Creates a condition with a new lock of its own. */
  public Condition() {
    this(new Lock());
  }

  /** Creates a condition on {@code lock}, which it shares: {@code lock.locked()} and {@link #locked()} agree. */
  public Condition(Lock lock) {
    this.lock = Objects.requireNonNull(lock, "lock must not be null");
  }

  /** Returns the lock this condition waits with. */
  public Lock lock() {
    return lock;
  }

  /** Returns whether the condition's lock is held. */
  public boolean locked() {
    return lock.locked();
  }

  /** Acquires the condition's lock; see {@link Lock#acquire()}. */
  public boolean acquire() {
    return lock.acquire();
  }

  /** Releases the condition's lock; see {@link Lock#release()}. */
  public void release() {
    lock.release();
  }

  /** Acquires the condition's lock and returns a handle that releases it; see {@link Lock#hold()}. */
  public Lock.Held hold() {
    return lock.hold();
  }

  /**
   * Releases the lock, waits until signalled, re-acquires the lock and returns true. May return spuriously: check
   * the state again after it returns.
   *
   * @throws CancelledError if the task is cancelled while waiting or re-acquiring; the lock is held again
   * @throws IllegalStateException if the lock is not held, if not called from a task, or if the condition is bound
   *     to another loop
   */
  public boolean await() {
    SyncChecks.requireTask(this, "await");
    if (!locked()) {
      throw new IllegalStateException("cannot wait on un-acquired lock");
    }
    Future<Void> waiter = queue.enqueue();
    lock.release();
    try {
      try {
        queue.await(waiter, () -> {}); // the catch below passes the signal on, whatever the error
        return true;
      } finally {
        reacquire();
      }
    } catch (Throwable e) {
      // The error may have come after a signal reached this waiter: give another waiter the chance it lost.
      queue.wakeFirst();
      throw e;
    }
  }

  /** Acquires the lock even through cancellations; rethrows the last CancelledError, if any, once it is held. */
  private void reacquire() {
    CancelledError last = null;
    while (true) {
      try {
        lock.acquire();
        break;
      } catch (CancelledError e) {
        last = e;
      }
    }
    if (last != null) {
      throw last;
    }
  }

  /**
   * Waits until {@code predicate} is true, checking it first and after every wakeup; returns true. A predicate that
   * is already true returns at once without touching the lock.
   *
   * @throws CancelledError if the task is cancelled while waiting; the lock is held again
   * @throws IllegalStateException if the predicate is false and the lock is not held
   */
  public boolean awaitFor(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate must not be null");
    while (!predicate.getAsBoolean()) {
      await();
    }
    return true;
  }

  /** Wakes one waiting task; see {@link #signal(int)}. */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes up to {@code n} waiting tasks, in the order they started waiting ({@code n <= 0} wakes none, as in
   * asyncio). The lock stays held: a woken task returns from {@link #await()} only once it has the lock again.
   *
   * @throws IllegalStateException if the lock is not held
   */
  public void signal(int n) {
    if (!locked()) {
      throw new IllegalStateException("cannot notify on un-acquired lock");
    }
    queue.wake(n);
  }

  /**
   * Wakes every waiting task; see {@link #signal(int)}.
   *
   * @throws IllegalStateException if the lock is not held
   */
  public void signalAll() {
    if (!locked()) {
      throw new IllegalStateException("cannot notify on un-acquired lock");
    }
    queue.wakeAll();
  }

  /** Returns the number of waiters in the queue, woken and cancelled ones that have not left yet included. */
  int waiterCount() {
    return queue.size();
  }

  /** Returns {@code Condition[locked]} or {@code Condition[unlocked, waiters:N]}, as asyncio's repr. */
  @Override
  public String toString() {
    return "Condition[" + (locked() ? "locked" : "unlocked")
        + (queue.isEmpty() ? "" : ", waiters:" + queue.size()) + "]";
  }
}
