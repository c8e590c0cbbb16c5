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
    /** The run took longer in real time than the watchdog allows. */
    WATCHDOG,
    /**
     * A task parked outside any await (Thread.sleep, blocking I/O, a contended monitor, a foreign thread's future),
     * so something other than the loop would resume it, in an order the simulation cannot control.
     */
    FOREIGN_RESUME,
    /** The same schedule gave two different traces (self-check mode). */
    NONDETERMINISM
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
