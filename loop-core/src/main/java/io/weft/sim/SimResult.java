package io.weft.sim;

import io.weft.Api;
import java.time.Duration;
import java.util.List;

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
 * @param deviations one plain-English sentence per choice that left asyncio's order (a nonzero choice), in order,
 *     such as {@code at 0.000200 s (virtual) the loop's iteration took 0.200 ms longer (EARLY), so ...}; the first
 *     {@value #DESCRIBED_DEVIATIONS} are described, and a last line counts any more; empty if the run kept asyncio's
 *     order
 * @param replayMismatch for a {@code REPLAY} schedule whose choices do not fit the run (a choice beyond its
 *     decision's alternatives, or choices the run never reached), a sentence saying so; null otherwise
 * @param <T> the main task's result type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record SimResult<T>(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
    SimFailure failure, T value, List<String> deviations, String replayMismatch) {

  /** How many deviations a result describes in words; later ones are counted. */
  public static final int DESCRIBED_DEVIATIONS = 32;

  /** Copies the deviations. */
  public SimResult {
    deviations = List.copyOf(deviations);
  }

  /** A result without deviations described and without a replay mismatch (the fields before 0.3). */
  public SimResult(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
      SimFailure failure, T value) {
    this(schedule, replay, trace, steps, virtualTime, failure, value, List.of(), null);
  }

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
