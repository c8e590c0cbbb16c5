package io.weft.sim;

import io.weft.Api;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits and checks of a simulated run. Every check is on by default.
 *
 * <p><b>Real-time bounds.</b> A run's loop runs on a thread of its own ({@code weft-sim-N}, pooled) while the caller
 * supervises it, so {@link #watchdog} and {@link #stepTimeout} fire even when a task never returns control (a busy
 * loop without an await, a call that blocks the loop thread). The run then fails with
 * {@link SimFailure.Kind#WATCHDOG}, reporting the stack of what was running and every pending task, and the caller
 * gets the result without waiting for the stuck thread: that thread is interrupted and abandoned. The JDK (25) has no
 * way to stop a thread that ignores interrupts, so a pure CPU spin keeps one core busy until it ends; when it does
 * return, its run stops and cleans up on its own thread.
 *
 * @param stepLimit the most callbacks (task steps included) a run may run before it fails as a livelock
 * @param virtualTimeLimit the most virtual time a run may reach
 * @param watchdog the most real time a run may take
 * @param checkLeaks fail if tasks are pending or timers set when the main task ends
 * @param checkUnretrieved fail if a task ended with an exception nobody retrieved
 * @param checkCallbackExceptions fail if a callback's exception reached the loop's exception handler
 * @param traceLimit how many events the trace keeps for reports (the hash covers all)
 * @param debug run the loop in debug mode
 * @param stepTimeout the most real time one callback or task step may run without returning to the loop (time the
 *     loop spends waiting for a task blocked on another thread's lock is not counted). On JDK 25 a blocking call in a
 *     task either unmounts its virtual thread, which fails the run at once (FOREIGN_RESUME: sleeps, sockets,
 *     Object.wait, a foreign future) or is the loop's wait for a lock ({@link #blockedWait}), or pins it to the loop
 *     thread (waiting for another thread's class initializer, native frames, file I/O), which only this bound catches
 * @param blockedWait the most real time the loop blocks for a task that blocked on a monitor or a
 *     {@code java.util.concurrent} lock held by another thread, before the run fails with
 *     {@link SimFailure.Kind#BLOCKED_OUTSIDE}; a bound of its own rather than {@code stepTimeout}, because such a wait
 *     is the loop's decision (the step is not stuck, it waits for a release that may never come). Only the
 *     loop-scheduled carrier sees such a task; on the fallback carriers the loop waits for it unknowingly, bounded by
 *     {@code stepTimeout} alone (see {@link Simulation#carrierDescription()})
 * @param executorWork the virtual time each executor job ({@code io.weft.thread.Threads.runInExecutor},
 *     {@code toThread}) takes unless the call gives its own: its completion enters the loop no earlier than this long
 *     after the job was submitted, on virtual time (zero by default: the completion enters as soon as the
 *     simulation delivers it, and virtual time does not move while the thread runs)
 * @param quietGrace the real time the idle loop waits for the next message of work that may be quiet (a child
 *     process, which may be waiting for the program) when a timer is set, before it lets virtual time move to that
 *     timer instead; whether it moved or delivered is a recorded choice, so a replay takes the same branch (10 ms by
 *     default, {@link #DEFAULT_QUIET_GRACE}; zero moves at once when nothing has arrived)
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record SimOptions(long stepLimit, Duration virtualTimeLimit, Duration watchdog, boolean checkLeaks,
    boolean checkUnretrieved, boolean checkCallbackExceptions, int traceLimit, boolean debug, Duration stepTimeout,
    Duration blockedWait, Duration executorWork, Duration quietGrace) {

  /** The default {@link #stepTimeout}: 10 s of real time. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(10);
  /** The default {@link #blockedWait}: 10 s of real time. */
  public static final Duration DEFAULT_BLOCKED_WAIT = Duration.ofSeconds(10);
  /** The default {@link #quietGrace}: 10 ms of real time. */
  public static final Duration DEFAULT_QUIET_GRACE = Duration.ofMillis(10);

  /**
   * The defaults: 1,000,000 steps, 24 hours of virtual time, 60 s of real time per run, every check, 100,000 events,
   * 10 s of real time per step, 10 s of real time blocked on another thread's lock.
   */
  public static final SimOptions DEFAULTS = new SimOptions(1_000_000, Duration.ofHours(24), Duration.ofSeconds(60),
      true, true, true, 100_000, false, DEFAULT_STEP_TIMEOUT, DEFAULT_BLOCKED_WAIT, Duration.ZERO,
      DEFAULT_QUIET_GRACE);

  /** The options without the real-time bounds added in 0.3: {@link #stepTimeout} and {@link #blockedWait} default. */
  public SimOptions(long stepLimit, Duration virtualTimeLimit, Duration watchdog, boolean checkLeaks,
      boolean checkUnretrieved, boolean checkCallbackExceptions, int traceLimit, boolean debug) {
    this(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved, checkCallbackExceptions, traceLimit,
        debug, DEFAULT_STEP_TIMEOUT, DEFAULT_BLOCKED_WAIT, Duration.ZERO, DEFAULT_QUIET_GRACE);
  }

  /**
   * The options of 0.3, without {@link #executorWork} (zero: executor work takes no virtual time) and
   * {@link #quietGrace} ({@link #DEFAULT_QUIET_GRACE}).
   */
  public SimOptions(long stepLimit, Duration virtualTimeLimit, Duration watchdog, boolean checkLeaks,
      boolean checkUnretrieved, boolean checkCallbackExceptions, int traceLimit, boolean debug, Duration stepTimeout,
      Duration blockedWait) {
    this(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved, checkCallbackExceptions, traceLimit,
        debug, stepTimeout, blockedWait, Duration.ZERO, DEFAULT_QUIET_GRACE);
  }

  /** Checks the fields. */
  public SimOptions {
    if (stepLimit < 1) {
      throw new IllegalArgumentException("stepLimit must be >= 1, got " + stepLimit);
    }
    Objects.requireNonNull(virtualTimeLimit, "virtualTimeLimit must not be null");
    Objects.requireNonNull(watchdog, "watchdog must not be null");
    if (virtualTimeLimit.isNegative() || virtualTimeLimit.isZero()) {
      throw new IllegalArgumentException("virtualTimeLimit must be positive, got " + virtualTimeLimit);
    }
    if (watchdog.isNegative() || watchdog.isZero()) {
      throw new IllegalArgumentException("watchdog must be positive, got " + watchdog);
    }
    if (traceLimit < 0) {
      throw new IllegalArgumentException("traceLimit must be >= 0, got " + traceLimit);
    }
    Objects.requireNonNull(stepTimeout, "stepTimeout must not be null");
    Objects.requireNonNull(blockedWait, "blockedWait must not be null");
    if (stepTimeout.isNegative() || stepTimeout.isZero()) {
      throw new IllegalArgumentException("stepTimeout must be positive, got " + stepTimeout);
    }
    if (blockedWait.isNegative() || blockedWait.isZero()) {
      throw new IllegalArgumentException("blockedWait must be positive, got " + blockedWait);
    }
    Objects.requireNonNull(executorWork, "executorWork must not be null");
    if (executorWork.isNegative()) {
      throw new IllegalArgumentException("executorWork must be >= 0, got " + executorWork);
    }
    Objects.requireNonNull(quietGrace, "quietGrace must not be null");
    if (quietGrace.isNegative()) {
      throw new IllegalArgumentException("quietGrace must be >= 0, got " + quietGrace);
    }
  }

  /** With another step limit. */
  public SimOptions withStepLimit(long stepLimit) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With another virtual-time limit. */
  public SimOptions withVirtualTimeLimit(Duration limit) {
    return new SimOptions(stepLimit, limit, watchdog, checkLeaks, checkUnretrieved, checkCallbackExceptions,
        traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With another watchdog. */
  public SimOptions withWatchdog(Duration watchdog) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With the leak checks on or off. */
  public SimOptions withCheckLeaks(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, on, checkUnretrieved, checkCallbackExceptions,
        traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With the unretrieved-exception check on or off. */
  public SimOptions withCheckUnretrieved(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, on, checkCallbackExceptions,
        traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With the callback-exception check on or off. */
  public SimOptions withCheckCallbackExceptions(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved, on, traceLimit,
        debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With another trace limit. */
  public SimOptions withTraceLimit(int traceLimit) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With debug mode on or off. */
  public SimOptions withDebug(boolean debug) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With another step timeout: the most real time one callback or task step may run. */
  public SimOptions withStepTimeout(Duration stepTimeout) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /** With another bound on how long the loop blocks for a task waiting on another thread's monitor or lock. */
  public SimOptions withBlockedWait(Duration blockedWait) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /**
   * With another virtual duration for executor work: each {@code Threads.runInExecutor} and {@code toThread} job
   * that does not give its own completes no earlier than this much virtual time after it was submitted.
   */
  public SimOptions withExecutorWork(Duration executorWork) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }

  /**
   * With another grace period for work that may be quiet (a child process): how long, in real time, the idle loop
   * waits for such work's next message before it lets virtual time move to the next timer instead.
   */
  public SimOptions withQuietGrace(Duration quietGrace) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug, stepTimeout, blockedWait, executorWork, quietGrace);
  }
}
