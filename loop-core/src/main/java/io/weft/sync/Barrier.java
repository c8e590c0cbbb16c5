package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import java.util.Locale;

/**
 * A meeting point for a fixed number of tasks: asyncio's {@code Barrier}. Each task calls {@link #await()}; once
 * {@link #parties()} tasks have arrived, all of them continue, each with a distinct index from 0 to parties - 1. The
 * barrier can then be used again.
 *
 * <h2>States</h2>
 *
 * <p>{@link State#FILLING}: tasks arrive and wait. The last arrival switches to {@link State#DRAINING}: the waiting
 * tasks leave, and tasks that arrive meanwhile wait until the last one has left, which switches back to FILLING.
 * {@link #reset()} switches to {@link State#RESETTING} while tasks are inside (each of them gets
 * {@link BrokenBarrierError}; the last to leave switches to FILLING), or to FILLING at once when none are.
 * {@link #abort()} switches to {@link State#BROKEN} for good: every waiting and arriving task gets
 * {@link BrokenBarrierError}, until a {@link #reset()}.
 *
 * <p>A task cancelled while it waits leaves without breaking the barrier (as in asyncio, unlike
 * {@code threading.Barrier}): the others keep waiting for one more arrival.
 *
 * <p>Built, as asyncio's, on a {@link Condition}: {@link #await()}, {@link #reset()} and {@link #abort()} take its
 * lock, so all three must be called from a task and may wait briefly for it. Not thread-safe: use it from the tasks
 * of one loop.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Barrier {

  /** The states of a barrier; see the class description. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public enum State {
    /** Tasks arrive and wait for the others. */
    FILLING,
    /** All parties arrived: the waiting tasks are leaving; new arrivals wait until they have left. */
    DRAINING,
    /** Reset while tasks were inside: they leave with {@link BrokenBarrierError}; new arrivals wait. */
    RESETTING,
    /** Aborted: every waiting and arriving task gets {@link BrokenBarrierError} until a reset. */
    BROKEN
  }

  private final Condition cond = new Condition();
  private final int parties;
  private State state = State.FILLING;
  // Invariant: the number of tasks between arriving (past the draining/resetting block) and leaving; 0 <= count;
  // FILLING implies count < parties.
  private int count;

  /**
   * Creates a barrier for {@code parties} tasks.
   *
   * @throws IllegalArgumentException if {@code parties < 1}
   */
  public Barrier(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be >= 1, got " + parties);
    }
    this.parties = parties;
  }

  /**
   * Waits until {@link #parties()} tasks have called this method, then returns this task's index, distinct among
   * them, from 0 to parties - 1. A task arriving while the barrier drains or resets waits for that to finish first.
   *
   * @throws BrokenBarrierError if the barrier is reset or aborted while the task waits, or is broken when it arrives
   * @throws CancelledError if the task is cancelled while waiting (the barrier is not broken by it)
   * @throws IllegalStateException if not called from a task
   */
  public int await() {
    SyncChecks.requireTask(this, "await");
    cond.acquire();
    try {
      blockWhileDrainingOrResetting();
      int index = count++;
      try {
        if (index + 1 == parties) {
          trip();
        } else {
          waitForTrip();
        }
        return index;
      } finally {
        count--;
        leave();
      }
    } finally {
      cond.release();
    }
  }

  private void blockWhileDrainingOrResetting() {
    cond.awaitFor(() -> state != State.DRAINING && state != State.RESETTING);
    if (state == State.BROKEN) {
      throw new BrokenBarrierError("Barrier aborted");
    }
  }

  private void trip() {
    if (state != State.FILLING) {
      throw new IllegalStateException("the last party arrived, but the barrier is " + state + ": " + this);
    }
    state = State.DRAINING;
    cond.signalAll();
  }

  private void waitForTrip() {
    cond.awaitFor(() -> state != State.FILLING);
    if (state == State.BROKEN || state == State.RESETTING) {
      throw new BrokenBarrierError("Abort or reset of barrier");
    }
  }

  /** The last task out of a draining or resetting barrier refills it; every departure may unblock arrivals. */
  private void leave() {
    if (count == 0) {
      if (state == State.RESETTING || state == State.DRAINING) {
        state = State.FILLING;
      }
      cond.signalAll();
    }
  }

  /**
   * Resets the barrier: tasks waiting in it get {@link BrokenBarrierError}, and it returns to {@link State#FILLING}
   * once they have left (at once if none are inside). Also repairs a broken barrier.
   *
   * @throws CancelledError if the task is cancelled while waiting for the barrier's lock
   * @throws IllegalStateException if not called from a task
   */
  public void reset() {
    SyncChecks.requireTask(this, "reset");
    try (Lock.Held h = cond.hold()) {
      if (count > 0) {
        state = State.RESETTING;
      } else {
        state = State.FILLING;
      }
      cond.signalAll();
    }
  }

  /**
   * Breaks the barrier: every waiting task, and every task that arrives until a {@link #reset()}, gets
   * {@link BrokenBarrierError}.
   *
   * @throws CancelledError if the task is cancelled while waiting for the barrier's lock
   * @throws IllegalStateException if not called from a task
   */
  public void abort() {
    SyncChecks.requireTask(this, "abort");
    try (Lock.Held h = cond.hold()) {
      state = State.BROKEN;
      cond.signalAll();
    }
  }

  /** Returns the number of tasks needed to trip the barrier. */
  public int parties() {
    return parties;
  }

  /** Returns the number of tasks waiting for the barrier to fill; 0 unless it is {@link State#FILLING}. */
  public int nWaiting() {
    return state == State.FILLING ? count : 0;
  }

  /** Returns whether the barrier is {@link State#BROKEN}. */
  public boolean broken() {
    return state == State.BROKEN;
  }

  /** Returns the barrier's state. */
  public State state() {
    return state;
  }

  /** Returns the number of tasks inside the barrier (arrived and not left), whatever the state. */
  int count() {
    return count;
  }

  /** Throws if an invariant of the fields is broken; tests call it between steps. */
  void checkInvariants() {
    if (count < 0 || (state == State.FILLING && count >= parties)) {
      throw new IllegalStateException("count " + count + " in state " + state + ": " + this);
    }
  }

  /** Returns {@code Barrier[filling, waiters:2/5]} or {@code Barrier[broken]}, as asyncio's repr. */
  @Override
  public String toString() {
    String s = state.name().toLowerCase(Locale.ROOT);
    return "Barrier[" + s + (state == State.BROKEN ? "" : ", waiters:" + nWaiting() + "/" + parties) + "]";
  }
}
