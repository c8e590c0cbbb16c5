package io.weft.sim;

import io.weft.Api;

/**
 * One free choice of a simulated loop, as a {@link SchedulingStrategy} sees it.
 *
 * @param decision what is being decided
 * @param alternatives how many alternatives there are (at least 2)
 * @param owners for each alternative, the id of the task it belongs to (the task a step resumes, or that set a
 *     timer), or -1; strategies that rank tasks (PCT, POS) read it. The array is the strategy's to keep.
 * @param index the number of choices made before this one in the run
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record ChoicePoint(Decision decision, int alternatives, long[] owners, int index) {
  /** Checks the fields. */
  public ChoicePoint {
    if (alternatives < 2) {
      throw new IllegalArgumentException("a choice needs at least 2 alternatives, got " + alternatives);
    }
    if (owners.length != alternatives && owners.length != 1) {
      throw new IllegalArgumentException("owners has " + owners.length + " entries for " + alternatives
          + " alternatives");
    }
  }

  /** The task id alternative {@code i} belongs to, or -1 (a single owner applies to every alternative). */
  public long owner(int i) {
    return owners.length == 1 ? owners[0] : owners[i];
  }
}
