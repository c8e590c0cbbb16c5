package io.weft.sim;

import io.weft.Api;
import java.time.Duration;
import java.util.Objects;

/**
 * One decision a simulated run made, as data: what was decided, among how many alternatives, which was taken, whom it
 * concerned and when. {@link SimResult#choices()} lists them in order, so tools can count a run's choice points and
 * deviations (its depth) without reading the trace's text.
 *
 * <p>Alternative 0 is always asyncio's own order, so a choice with {@code chosen() != 0} is a deviation, and the
 * {@code chosen} values in order are the run's {@link SimResult#replay() replay}.
 *
 * @param decision what was decided
 * @param alternatives how many alternatives there were, at least 2
 * @param chosen the alternative taken, in {@code [0, alternatives)}
 * @param task the id of the task the choice concerns, or -1 if it concerns none: for {@link Decision#EARLY} and
 *     {@link Decision#LATE}, the task that set the timer; for {@link Decision#TIE}, {@link Decision#EXTERNAL} and
 *     {@link Decision#READY}, the task whose step or timer was put first (the chosen alternative's owner, as
 *     {@link ChoicePoint#owner} gives it); -1 for a {@link Decision#FAULT}, and for a callback that belongs to no task
 *     (such as one another thread handed to the loop)
 * @param taskName that task's name ({@code main}, {@code Task-3 (Bank.transfer:31)}), or null when {@code task} is -1
 *     or the task never ran a step
 * @param virtualNanos the virtual time of the choice, in nanoseconds since the run started
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record Choice(Decision decision, int alternatives, int chosen, long task, String taskName,
    long virtualNanos) {

  /** Checks the fields. */
  public Choice {
    Objects.requireNonNull(decision, "decision must not be null");
    if (alternatives < 2 || chosen < 0 || chosen >= alternatives) {
      throw new IllegalArgumentException("a choice takes one of at least 2 alternatives, got " + chosen + " of "
          + alternatives);
    }
    if (virtualNanos < 0) {
      throw new IllegalArgumentException("virtualNanos must be >= 0, got " + virtualNanos);
    }
  }

  /** Whether this choice left asyncio's own order: {@code chosen() != 0}. */
  public boolean deviates() {
    return chosen != 0;
  }

  /** The virtual time of the choice. */
  public Duration virtualTime() {
    return Duration.ofNanos(virtualNanos);
  }

  /** {@code EARLY 1 of 2 (task 3 worker) at 0.000200s}. */
  @Override
  public String toString() {
    return decision + " " + chosen + " of " + alternatives + (task >= 0 ? " (task " + task
        + (taskName != null ? " " + taskName : "") + ")" : "") + " at " + Simulation.seconds(virtualNanos);
  }
}
