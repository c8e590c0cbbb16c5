package io.weft.sim;

import io.weft.Api;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * One free choice of a simulated loop, as a {@link SchedulingStrategy} sees it.
 *
 * @param decision what is being decided
 * @param alternatives how many alternatives there are (at least 2)
 * @param owners alternative {@code i} to its owner: the id of the task it belongs to (the task a step resumes, or
 *     that set a timer; ids are {@code >= 0}), an id {@code <= -2} standing for something outside the loop (the same
 *     id for all of its messages in a run): a real work (-2, -3, ... in order of creation; see
 *     {@link Decision#REAL_WORK}), or a thread whose callbacks no work claimed ({@code -2^32 - k}, k in order of first
 *     arrival, in {@link Decision#EXTERNAL} choices); or -1 when nothing owns it. For {@link Decision#EARLY},
 *     alternative 0 (on time) is owned by the owner of the ready work the timer would wait behind and alternative 1
 *     (early) by the timer's; for {@link Decision#LATE}, every alternative by the timer's. Strategies that rank owners
 *     (PCT, POS) read it; valid only during {@link SchedulingStrategy#choose}.
 * @param index the number of choices made before this one in the run
 * @param weights alternative {@code i} to its probability, for a {@link Decision#FAULT} (they sum to 1), or
 *     {@code null}: the alternatives are equally likely. Valid only during {@link SchedulingStrategy#choose}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record ChoicePoint(Decision decision, int alternatives, IntToLongFunction owners, int index,
    IntToDoubleFunction weights) {
  /** Checks the fields. */
  public ChoicePoint {
    Objects.requireNonNull(decision, "decision must not be null");
    Objects.requireNonNull(owners, "owners must not be null");
    if (alternatives < 2) {
      throw new IllegalArgumentException("a choice needs at least 2 alternatives, got " + alternatives);
    }
  }

  /** A choice whose alternatives are equally likely. */
  public ChoicePoint(Decision decision, int alternatives, IntToLongFunction owners, int index) {
    this(decision, alternatives, owners, index, null);
  }

  /**
   * The probability of alternative {@code i}: the fault plan's for a {@link Decision#FAULT}, else
   * {@code 1 / alternatives()}.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, alternatives())}
   */
  public double weight(int i) {
    Objects.checkIndex(i, alternatives);
    return weights == null ? 1.0 / alternatives : weights.applyAsDouble(i);
  }

  /**
   * Draws an alternative with the probabilities of {@link #weight}, from {@code uniform}, a number in
   * {@code [0, 1)}: what a strategy that draws at random does at a {@link Decision#FAULT}.
   */
  public int draw(double uniform) {
    double acc = 0;
    for (int i = 0; i < alternatives - 1; i++) {
      acc += weight(i);
      if (uniform < acc) {
        return i;
      }
    }
    return alternatives - 1;
  }

  /**
   * The owner of alternative {@code i}: a task id ({@code >= 0}), a foreign thread's id ({@code <= -2}), or -1 for
   * none; see the record's documentation.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, alternatives())}
   */
  public long owner(int i) {
    Objects.checkIndex(i, alternatives);
    return owners.applyAsLong(i);
  }
}
