package io.weft.sim;

import io.weft.Api;
import java.util.List;

/**
 * Why a simulated run failed, with the mode that found it and the tasks involved. It is an {@link AssertionError}, so
 * a test that rethrows it fails; its message starts with the kind and the mode.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class SimFailure extends AssertionError {

  private static final long serialVersionUID = 1L;

  /** The kinds of failure the simulation detects. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public enum Kind {
    /** The main task ended with an exception (a failed assertion, or any other error). */
    TEST_FAILED,
    /** Nothing was ready, no timer was set, no real work was in flight, and the main task was not done. */
    DEADLOCK,
    /** Tasks were still pending when the main task finished. */
    LEAKED_TASKS,
    /**
     * Timers were still set when the main task finished. (Callbacks already queued are not a leak: they run while the
     * remaining tasks are cancelled, as in asyncio.run's shutdown.)
     */
    PENDING_CALLBACKS,
    /** A task ended with an exception that nobody retrieved. */
    UNRETRIEVED_EXCEPTION,
    /** A callback raised an exception that reached the loop's exception handler. */
    CALLBACK_EXCEPTION,
    /** The run took more steps than its limit: a livelock, or a test that needs a higher limit. */
    STEP_LIMIT,
    /** Virtual time would have passed its limit: a task that sleeps or retries forever. */
    VIRTUAL_TIME_LIMIT,
    /**
     * A real-time bound was passed: the run took longer than {@link SimOptions#watchdog}, or one callback or task step
     * ran longer than {@link SimOptions#stepTimeout} without returning to the loop (a busy loop without an await, or
     * a call that blocks the loop thread). The message has the stack of what was running, the loop thread's, and every
     * pending task with where it waits. A stuck step's thread is interrupted and abandoned (see {@link SimOptions}).
     */
    WATCHDOG,
    /**
     * A task parked outside any await (Thread.sleep, blocking I/O, Object.wait, a foreign thread's future), so
     * something other than the loop would resume it, in an order the simulation cannot control: the "blocking call in
     * a task" bug. A task that blocks on a monitor or lock is not this: the loop waits for it (see
     * {@link #BLOCKED_OUTSIDE}).
     */
    FOREIGN_RESUME,
    /**
     * A task blocked the loop on a monitor ({@code synchronized}) or a {@code java.util.concurrent} lock that was not
     * released within {@link SimOptions#blockedWait}. The loop waits for such a task as asyncio's loop waits on a
     * blocking call (no other callback runs, virtual time stands still), so a lock briefly held by a thread outside the
     * simulation costs nothing; one held longer is held by a thread outside this simulation, or by one of its own
     * tasks suspended at an await while holding it, which is a deadlock under asyncio too. Detected only on the
     * loop-scheduled carrier ({@link Simulation#detectsBlockingCalls()}).
     */
    BLOCKED_OUTSIDE,
    /** The same schedule gave two different traces (self-check mode). */
    NONDETERMINISM,
    /** Sockets of the simulated network were still open when the main task finished (each with where it was opened). */
    LEAKED_SOCKETS
  }

  private final Kind kind;
  private final Mode mode;
  private final List<TaskReport> tasks;

  SimFailure(Kind kind, Mode mode, String message, List<TaskReport> tasks, Throwable cause) {
    super(kind + " (found in " + mode + " mode): " + message, cause);
    this.kind = kind;
    this.mode = mode;
    this.tasks = List.copyOf(tasks);
  }

  /** What failed. */
  public Kind kind() {
    return kind;
  }

  /** The mode of the run that found it. */
  public Mode mode() {
    return mode;
  }

  /** The tasks involved (for a deadlock, every pending task), with what each awaits and where. */
  public List<TaskReport> tasks() {
    return tasks;
  }
}
