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
 *   <li>{@code RANDOM}: uniform over the alternatives at every choice; a fault with the plan's probability.
 *   <li>{@code PCT<d>_<k>} (probabilistic concurrency testing, Burckhardt et al., ASPLOS 2010) with depth d over a
 *       horizon of k steps, such as {@code PCT3_57}; {@code PCT<d>} without a horizon spreads its change points over
 *       2,000 steps. Every owner (task, foreign thread, or -1, no owner) gets a random priority when the strategy first
 *       meets it; d-1 change points, drawn uniformly from steps 1..k and labelled 1..d-1 in the order drawn, each give
 *       the task running at that step priority i, below all initial ones. An ordering choice takes the alternative of
 *       the highest-priority owner; an early choice fires a timer early if its owner outranks the owner of the ready
 *       work ahead of it; a late choice makes a timer the later the lower its owner ranks. So a bug of depth d among
 *       n owners is found with probability at least 1/(n*k^(d-1)) per run. In faithful mode this reorders only what
 *       asyncio leaves open. {@link ScheduleSeries} measures k on a test's earlier runs.
 *   <li>{@code POS} (partial order sampling, Yuan et al., CAV 2018): every pending event has a random priority, and
 *       the highest goes first; when an event runs, the priorities of the events that race with it are drawn again.
 *       The loop does not know which events touch the same data, so POS here treats an owner's events as racing with
 *       each other: a task's priority is drawn again each time one of its steps runs, a foreign thread's each time
 *       one of its callbacks is queued, and events with no owner draw one each. Jitter choices are uniform.
 *   <li>{@code REPLAY}: the recorded choices, in order; a choice beyond an alternative count takes the last
 *       alternative, and 0 once the choices run out (what shrinking relies on).
 * </ul>
 *
 * <p>Two more names choose one of these per schedule of an exploration, so they name a series, not one schedule
 * (see {@link ScheduleSeries}): {@code PCT} (iterative deepening over d) and {@code PORTFOLIO} (RANDOM, PCT with
 * deepening and POS in turn).
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
      default -> {
        int sep = name.indexOf('_');
        int depth = Integer.parseInt(sep < 0 ? name.substring(3) : name.substring(3, sep));
        yield sep < 0 ? new Pct(seed, depth, Pct.DEFAULT_HORIZON, false)
            : new Pct(seed, depth, Integer.parseInt(name.substring(sep + 1)), true);
      }
    };
  }

  /**
   * Checks the name of a strategy that makes one schedule's choices.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  static void checkName(String name) {
    if (name.equals("FIFO") || name.equals("RANDOM") || name.equals("POS") || name.equals("REPLAY")) {
      return;
    }
    if (name.matches("PCT[1-9][0-9]?(_[1-9][0-9]{0,9})?")) {
      int sep = name.indexOf('_');
      if (sep < 0 || Long.parseLong(name.substring(sep + 1)) <= Integer.MAX_VALUE) {
        return;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + name + "'; expected FIFO, RANDOM, PCT<depth 1-99> (such"
        + " as PCT3), PCT<depth>_<horizon in steps, 1-" + Integer.MAX_VALUE + "> (such as PCT3_57), POS or REPLAY"
        + (name.equals("PCT") || name.equals("PORTFOLIO") ? " (" + name + " names a series of schedules: see"
        + " ScheduleSeries)" : ""));
  }
}
