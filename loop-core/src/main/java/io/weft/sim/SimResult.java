package io.weft.sim;

import io.weft.Api;
import java.time.Duration;

/**
 * The outcome of a simulated run.
 *
 * @param schedule the schedule that was run
 * @param replay the same run as a {@code REPLAY} schedule of the choices it made: it replays the run exactly
 * @param trace the run's events and their hash
 * @param steps how many callbacks (task steps included) ran
 * @param virtualTime the virtual time the run reached
 * @param failure why it failed, or null if it passed
 * @param value the main task's result, or null
 * @param <T> the main task's result type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record SimResult<T>(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
    SimFailure failure, T value) {

  /** Whether the run passed every check. */
  public boolean passed() {
    return failure == null;
  }

  /** The trace hash. */
  public long traceHash() {
    return trace.hash();
  }

  /**
   * Returns the main task's result, or throws the failure.
   *
   * @throws SimFailure if the run failed
   */
  public T orThrow() {
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
