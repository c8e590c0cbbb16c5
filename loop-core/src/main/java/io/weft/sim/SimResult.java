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
 * @param choices the run's choices as data, in order: the first {@value #RECORDED_CHOICES} (about 25 bytes each while
 *     the run goes; the {@link Choice} records are made when read); never null; empty if the run made no choice, or
 *     was abandoned by a real-time bound (its loop thread may still be adding to them: {@link #allChoicesListed()} is
 *     then false if it had made any)
 * @param choiceCount how many choices the run made: more than {@code choices().size()} only past
 *     {@value #RECORDED_CHOICES}, or for an abandoned run
 * @param <T> the main task's result type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record SimResult<T>(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
    SimFailure failure, T value, List<String> deviations, String replayMismatch, List<Choice> choices,
    int choiceCount) {

  /** How many deviations a result describes in words; later ones are counted. */
  public static final int DESCRIBED_DEVIATIONS = 32;

  /** How many choices a result lists in {@link #choices()}; later ones are counted in {@link #choiceCount()}. */
  public static final int RECORDED_CHOICES = 100_000;

  /**
   * Copies the deviations and the choices (a run's own list is kept: it is unmodifiable already).
   *
   * @throws IllegalArgumentException if {@code choiceCount} is less than the number of choices listed
   */
  public SimResult {
    deviations = List.copyOf(deviations);
    choices = choices instanceof ChoiceLog.View ? choices : List.copyOf(choices);
    if (choiceCount < choices.size()) {
      throw new IllegalArgumentException("choiceCount must be >= the " + choices.size() + " choices listed, got "
          + choiceCount);
    }
  }

  /** A result without its choices as data: {@link #choices()} is empty and {@link #choiceCount()} is 0. */
  public SimResult(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
      SimFailure failure, T value, List<String> deviations, String replayMismatch) {
    this(schedule, replay, trace, steps, virtualTime, failure, value, deviations, replayMismatch, List.of(), 0);
  }

  /** A result without deviations described and without a replay mismatch (the fields before 0.3). */
  public SimResult(Schedule schedule, Schedule replay, Trace trace, long steps, Duration virtualTime,
      SimFailure failure, T value) {
    this(schedule, replay, trace, steps, virtualTime, failure, value, List.of(), null);
  }

  /** Whether every choice the run made is in {@link #choices()}: it made at most {@value #RECORDED_CHOICES}. */
  public boolean allChoicesListed() {
    return choices.size() == choiceCount;
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
