package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.Future;
import io.weft.internal.WaitQueue;

/**
 * A flag tasks can wait for: asyncio's {@code Event}. {@link #set()} wakes every waiting task; while the flag is set,
 * {@link #await()} returns at once.
 *
 * <p>A wakeup is not taken back: tasks woken by {@link #set()} return from {@link #await()} even if {@link #clear()}
 * runs before they resume.
 *
 * <p>Not thread-safe: use it from the tasks and callbacks of one loop, which it binds to when a task first waits.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Event {

  private final WaitQueue queue = new WaitQueue(this);
  // Invariant: set implies no waiter is unwoken.
  private boolean set;

  /** Creates an event whose flag is clear. */
  public Event() {}

  /** Returns whether the flag is set. */
  public boolean isSet() {
    return set;
  }

  /** Sets the flag and wakes every waiting task; does nothing if it is already set. */
  public void set() {
    if (!set) {
      set = true;
      queue.wakeAll();
    }
  }

  /** Clears the flag; tasks that wait from now on wait until the next {@link #set()}. */
  public void clear() {
    set = false;
  }

  /**
   * Waits until the flag is set (returns at once if it is); returns true.
   *
   * @throws CancelledError if the task is cancelled while waiting
   * @throws IllegalStateException if not called from a task, or if the event is bound to another loop
   */
  public boolean await() {
    SyncChecks.requireTask(this, "await");
    if (set) {
      return true;
    }
    Future<Void> waiter = queue.enqueue();
    queue.await(waiter, () -> {}); // every waiter was woken: there is no wakeup to pass on
    return true;
  }

  /** Returns the number of waiters in the queue, woken and cancelled ones that have not left yet included. */
  int waiterCount() {
    return queue.size();
  }

  /** Throws if an invariant of the fields is broken; tests call it between steps. */
  void checkInvariants() {
    if (set && queue.hasUnwoken()) {
      throw new IllegalStateException("set, yet a waiter was never woken: " + this);
    }
  }

  /** Returns {@code Event[set]} or {@code Event[unset, waiters:N]}, as asyncio's repr. */
  @Override
  public String toString() {
    return "Event[" + (set ? "set" : "unset") + (queue.isEmpty() ? "" : ", waiters:" + queue.size()) + "]";
  }
}
