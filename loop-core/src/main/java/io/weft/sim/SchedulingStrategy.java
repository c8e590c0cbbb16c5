package io.weft.sim;

import io.weft.Api;

/**
 * Chooses, at each free choice of a simulated loop, one of its alternatives. Alternative 0 is always asyncio's own
 * order with no jitter. The simulation records every choice, so any run replays from its choices alone whatever
 * strategy made them; a strategy must be deterministic given its seed and the choice points it is shown.
 *
 * <p>The built-in strategies, by name (see {@link Schedule}):
 *
 * <ul>
 *   <li>{@code FIFO}: always 0, asyncio's order.
 *   <li>{@code RANDOM}: uniform over the alternatives at every choice.
 *   <li>{@code PCT<d>} (probabilistic concurrency testing, Burckhardt et al., ASPLOS 2010) with depth d: each task
 *       gets a random priority when first seen, and at d-1 random steps the running task drops below all others.
 *       An ordering choice takes the alternative of the highest-priority task; an early/late choice lets the timers
 *       of the highest-priority task fire early and makes those of demoted tasks late. In faithful mode this delays
 *       the events of low-priority tasks, which is the only reordering asyncio allows.
 *   <li>{@code POS} (partial order sampling, Yuan et al., CAV 2018): every pending event has a random priority, and
 *       the highest goes first; when an event runs, the priorities of the events that race with it are drawn again.
 *       The loop does not know which events touch the same data, so POS here treats a task's events as racing with
 *       each other: a task's priority is drawn again each time one of its steps runs. Jitter choices are uniform.
 *   <li>{@code REPLAY}: the recorded choices, in order; a choice beyond an alternative count takes the last
 *       alternative, and 0 once the choices run out (what shrinking relies on).
 * </ul>
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface SchedulingStrategy {

  /** Returns the chosen alternative, in {@code [0, point.alternatives())}. */
  int choose(ChoicePoint point);

  /** Called before each task step with the task's id and the number of steps before it. */
  default void onStep(long taskId, long step) {}

  /** The strategy's name in a {@link Schedule}. */
  String name();

  /**
   * Creates a strategy by name; see the type's documentation.
   *
   * @param choices the choices of a {@code REPLAY} (ignored by the others)
   * @throws IllegalArgumentException if the name is not one of the built-in strategies
   */
  static SchedulingStrategy create(String name, long seed, int[] choices) {
    java.util.Objects.requireNonNull(name, "name must not be null");
    java.util.Objects.requireNonNull(choices, "choices must not be null");
    checkName(name);
    return switch (name) {
      case "FIFO" -> new Strategies.Fifo();
      case "RANDOM" -> new Strategies.UniformRandom(seed);
      case "POS" -> new Strategies.Pos(seed);
      case "REPLAY" -> new Strategies.Replay(choices);
      default -> new Strategies.Pct(seed, Integer.parseInt(name.substring(3)), Strategies.Pct.DEFAULT_STEPS);
    };
  }

  /**
   * Checks a strategy name.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  static void checkName(String name) {
    if (name.equals("FIFO") || name.equals("RANDOM") || name.equals("POS") || name.equals("REPLAY")) {
      return;
    }
    if (name.matches("PCT[1-9][0-9]?")) {
      return;
    }
    throw new IllegalArgumentException("unknown strategy '" + name
        + "'; expected FIFO, RANDOM, PCT<depth 1-99> (such as PCT3), POS or REPLAY");
  }
}
