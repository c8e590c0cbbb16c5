package io.weft.sim;

import io.weft.Api;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits and checks of a simulated run. Every check is on by default.
 *
 * @param stepLimit the most callbacks (task steps included) a run may run before it fails as a livelock
 * @param virtualTimeLimit the most virtual time a run may reach
 * @param watchdog the most real time a run may take
 * @param checkLeaks fail if tasks are pending or timers set when the main task ends
 * @param checkUnretrieved fail if a task ended with an exception nobody retrieved
 * @param checkCallbackExceptions fail if a callback's exception reached the loop's exception handler
 * @param traceLimit how many events the trace keeps for reports (the hash covers all)
 * @param debug run the loop in debug mode
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record SimOptions(long stepLimit, Duration virtualTimeLimit, Duration watchdog, boolean checkLeaks,
    boolean checkUnretrieved, boolean checkCallbackExceptions, int traceLimit, boolean debug) {

  /** The defaults: 1,000,000 steps, 24 hours of virtual time, 60 s of real time, every check, 100,000 events. */
  public static final SimOptions DEFAULTS =
      new SimOptions(1_000_000, Duration.ofHours(24), Duration.ofSeconds(60), true, true, true, 100_000, false);

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
  }

  /** With another step limit. */
  public SimOptions withStepLimit(long stepLimit) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug);
  }

  /** With another virtual-time limit. */
  public SimOptions withVirtualTimeLimit(Duration limit) {
    return new SimOptions(stepLimit, limit, watchdog, checkLeaks, checkUnretrieved, checkCallbackExceptions,
        traceLimit, debug);
  }

  /** With another watchdog. */
  public SimOptions withWatchdog(Duration watchdog) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug);
  }

  /** With the leak checks on or off. */
  public SimOptions withCheckLeaks(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, on, checkUnretrieved, checkCallbackExceptions,
        traceLimit, debug);
  }

  /** With the unretrieved-exception check on or off. */
  public SimOptions withCheckUnretrieved(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, on, checkCallbackExceptions,
        traceLimit, debug);
  }

  /** With the callback-exception check on or off. */
  public SimOptions withCheckCallbackExceptions(boolean on) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved, on, traceLimit,
        debug);
  }

  /** With another trace limit. */
  public SimOptions withTraceLimit(int traceLimit) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug);
  }

  /** With debug mode on or off. */
  public SimOptions withDebug(boolean debug) {
    return new SimOptions(stepLimit, virtualTimeLimit, watchdog, checkLeaks, checkUnretrieved,
        checkCallbackExceptions, traceLimit, debug);
  }
}
