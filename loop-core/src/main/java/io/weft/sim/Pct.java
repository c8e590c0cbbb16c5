package io.weft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and Nagarakatte, "A Randomized Scheduler
 * with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010), with depth d over a horizon of k steps.
 *
 * <h2>The algorithm, as the paper gives it</h2>
 *
 * <p>Every owner (a task, a foreign thread's callbacks, or "no owner", -1) gets a random priority, all of them above
 * d - 1, when the strategy first meets it: at its first step or at a choice point, whichever comes first. Random
 * draws in first-met order give every order of the owners the same probability, as the paper's random permutation
 * does. Before the run, d - 1 change points are drawn uniformly and independently from the steps 1..k, and labelled
 * 1..d-1 in the order drawn; when the run reaches the step of the change point labelled i, the owner that runs it
 * gets priority i, below every initial priority. Labels are drawn, not sorted by time, so a later demotion may land
 * above or below an earlier one, as in the paper: any order of the demoted owners has a chance. With n owners and k
 * steps, a bug of depth d (d ordering constraints) is found with probability at least 1/(n * k^(d-1)).
 *
 * <h2>Mapped onto the loop</h2>
 *
 * <ul>
 *   <li>A step is the simulation's step count: task steps, timer callbacks and other events. Change points are
 *       applied at task steps, the only ones {@link SchedulingStrategy#onStep} reports: a change point that lands on
 *       another event demotes the task of the next task step.
 *   <li>An ordering choice (timers due together, external events, the ready batch in chaos mode) takes the
 *       alternative of the highest-priority owner, the first of equals (so alternatives of one owner stay in order).
 *   <li>{@link Decision#EARLY} is an ordering too: the timer fires early if its owner outranks the owner of the ready
 *       work it would otherwise wait behind.
 *   <li>{@link Decision#LATE} makes a timer late by its owner's rank among the owners met so far: the highest fires on
 *       time, the lowest as late as the bound allows, the others in between.
 *   <li>Faults have no owner: they are drawn with the plan's probabilities.
 * </ul>
 *
 * <p>k is the horizon the name gives ({@code PCT3_57}: depth 3, 57 steps), measured on earlier runs of the test (see
 * {@link ScheduleSeries}); a name without one ({@code PCT3}) spreads the change points over {@link #DEFAULT_HORIZON}
 * steps.
 */
final class Pct implements SchedulingStrategy {

  /** The horizon of a name that gives none. */
  static final int DEFAULT_HORIZON = 2_000;

  private final SimRandom random;
  private final int depth;
  private final int horizon;
  private final boolean horizonNamed;
  // Invariant: each in [1, horizon]; changePoints[i] is the change point labelled i + 1 (the order drawn, not sorted).
  private final long[] changePoints;
  // Invariant: fired[i] once the change point labelled i + 1 was applied; each applies once.
  private final boolean[] fired;
  private int unfired;
  // Owner to priority: initial priorities are > depth, demoted ones in [1, depth - 1]. Looked up, and scanned only to
  // count (order-independent).
  private final Map<Long, Long> priorities = new HashMap<>();
  // The task of the last step, which has a priority (priorities are never removed).
  private long lastStepped = Long.MIN_VALUE;

  /**
   * PCT with {@code depth} over {@code horizon} steps.
   *
   * @param horizonNamed whether the name says the horizon ({@code PCT3_57}) or it is the default ({@code PCT3})
   */
  Pct(long seed, int depth, int horizon, boolean horizonNamed) {
    if (depth < 1 || horizon < 1) {
      throw new IllegalArgumentException("PCT needs depth >= 1 and horizon >= 1, got depth " + depth + " and horizon "
          + horizon);
    }
    this.random = new SimRandom(SimRandom.derive(seed, 2));
    this.depth = depth;
    this.horizon = horizon;
    this.horizonNamed = horizonNamed;
    this.changePoints = new long[depth - 1];
    this.fired = new boolean[depth - 1];
    this.unfired = depth - 1;
    for (int i = 0; i < changePoints.length; i++) {
      changePoints[i] = 1 + random.nextInt(horizon);
    }
  }

  /** The priority of {@code owner}, drawn when first met. */
  private long priority(long owner) {
    Long p = priorities.get(owner);
    if (p == null) {
      p = depth + 1 + (random.nextLong() >>> 2);
      priorities.put(owner, p);
    }
    return p;
  }

  /** The priority of {@code owner}, or 0 if it was never met; for tests. */
  long priorityOf(long owner) {
    return priorities.getOrDefault(owner, 0L);
  }

  @Override
  public void onStep(long taskId, long step) {
    if (taskId != lastStepped) { // a task that steps again has its priority already: no lookup on the hot path
      priority(taskId);
      lastStepped = taskId;
    }
    if (unfired == 0) {
      return;
    }
    // In label order: when two change points land on the same task step, the higher label is the one that stays.
    for (int i = 0; i < changePoints.length; i++) {
      if (!fired[i] && changePoints[i] <= step) {
        fired[i] = true;
        unfired--;
        priorities.put(taskId, (long) (i + 1));
      }
    }
  }

  @Override
  public int choose(ChoicePoint point) {
    return switch (point.decision()) {
      case FAULT -> point.draw(random.nextDouble());
      case LATE -> late(point);
      default -> highest(point);
    };
  }

  /** The alternative of the highest-priority owner; the first of equals. */
  private int highest(ChoicePoint point) {
    int best = 0;
    long bestP = Long.MIN_VALUE;
    for (int i = 0; i < point.alternatives(); i++) {
      long p = priority(point.owner(i));
      if (p > bestP) {
        best = i;
        bestP = p;
      }
    }
    return best;
  }

  /** On time for the highest-ranked owner met so far, latest for the lowest, in proportion between. */
  private int late(ChoicePoint point) {
    long p = priority(point.owner(0));
    int known = priorities.size();
    if (known < 2) {
      return 0;
    }
    int above = 0;
    for (long q : priorities.values()) {
      if (q > p) {
        above++;
      }
    }
    int last = point.alternatives() - 1;
    return (int) ((2L * above * last + (known - 1)) / (2L * (known - 1))); // round(last * above / (known - 1))
  }

  @Override
  public String name() {
    return "PCT" + depth + (horizonNamed ? "_" + horizon : "");
  }
}
