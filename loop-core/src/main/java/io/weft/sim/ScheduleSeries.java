package io.weft.sim;

import io.weft.Api;
import java.util.Objects;

/**
 * The schedules of one exploration of a test, one after another: schedule {@code i} has the seed
 * {@code SimRandom.derive(seed, i)} and a concrete strategy, chosen by {@code i} and by what the earlier runs of the
 * series measured. Each schedule names the strategy that makes its choices, with every parameter, so it replays alone
 * from its printed form; the series only decides which schedules to try.
 *
 * <p>What a series adds to the names of {@link SchedulingStrategy}:
 *
 * <ul>
 *   <li><b>The PCT horizon.</b> PCT spreads its change points over the k steps of a run, which a test's first run
 *       measures: {@link #observe} is told each run's step count, and the series keeps the most ({@link #horizon()},
 *       as Coyote and Shuttle do). A {@code PCT<d>} schedule made after a run was observed is
 *       {@code PCT<d>_<k>}; before any, it is {@code PCT<d>} (the default horizon, 2,000 steps). {@code PCT1} has no
 *       change points and never names a horizon.
 *   <li><b>{@code PCT}, iterative deepening</b> when the bug's depth is unknown: schedule i has depth
 *       {@link #deepeningDepth}(i), in passes 1; 1, 2; 1, 2, 3; ... up to {@value #MAX_DEPTH}, after which the pass
 *       1..{@value #MAX_DEPTH} repeats. Shallow depths, which need fewer lucky change points, come back often.
 *   <li><b>{@code PORTFOLIO}</b>, a mix across schedules, as Coyote's portfolio: schedule i is {@code RANDOM} if
 *       {@code i % 3 == 0}, {@code PCT} with deepening (at depth {@code deepeningDepth(i / 3)}) if {@code i % 3 == 1},
 *       and {@code POS} if {@code i % 3 == 2}. Schedule 0 is {@code RANDOM}, so the first PCT schedule already has a
 *       measured horizon.
 * </ul>
 *
 * <p>Other names give every schedule that strategy. The series is deterministic: the same observations in the same
 * order give the same schedules. Its methods are thread-safe, but an exploration that runs schedules in parallel
 * sees the horizon of whichever runs finished first (each schedule still replays exactly: it names its horizon).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class ScheduleSeries {

  /** The deepest depth {@code PCT} deepening reaches. */
  public static final int MAX_DEPTH = 10;

  // The passes 1; 1,2; ...; 1..MAX_DEPTH take this many schedules; then the last pass repeats.
  private static final int RAMP = MAX_DEPTH * (MAX_DEPTH + 1) / 2;

  private final Mode mode;
  private final String strategy;
  private final long seed;
  private final long earlyBoundNanos;
  private final long lateBoundNanos;
  // Invariant: the most steps of any observed run, capped at Integer.MAX_VALUE; 0 before the first.
  private long horizon;

  /**
   * The series of {@code strategy} (a {@link SchedulingStrategy} name, {@code PCT} or {@code PORTFOLIO}) from
   * {@code seed}, in {@code mode}, with the given jitter bounds (see {@link Schedule}).
   *
   * @throws IllegalArgumentException naming the bad value, if the strategy or a bound is not valid
   */
  public ScheduleSeries(Mode mode, String strategy, long seed, long earlyBoundNanos, long lateBoundNanos) {
    this.mode = Objects.requireNonNull(mode, "mode must not be null");
    this.strategy = Objects.requireNonNull(strategy, "strategy must not be null");
    checkStrategy(strategy);
    this.seed = seed;
    this.earlyBoundNanos = earlyBoundNanos;
    this.lateBoundNanos = lateBoundNanos;
    new Schedule(mode, "FIFO", seed, earlyBoundNanos, lateBoundNanos, new int[0]); // checks the bounds
  }

  /** The series of {@code strategy} from {@code seed} in {@code mode} with the default bounds. */
  public static ScheduleSeries of(Mode mode, String strategy, long seed) {
    return new ScheduleSeries(mode, strategy, seed, Schedule.DEFAULT_EARLY_NANOS, Schedule.DEFAULT_LATE_NANOS);
  }

  /**
   * Checks a strategy name a series accepts: {@code PCT}, {@code PORTFOLIO}, or one {@link SchedulingStrategy}
   * accepts.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  public static void checkStrategy(String name) {
    Objects.requireNonNull(name, "strategy must not be null");
    if (name.equals("PCT") || name.equals("PORTFOLIO")) {
      return;
    }
    try {
      SchedulingStrategy.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown strategy '" + name + "'; expected PORTFOLIO (RANDOM, PCT and POS in"
          + " turn), RANDOM, PCT (depth deepening), PCT<depth 1-99> (such as PCT3), POS, FIFO, or one schedule's"
          + " PCT<depth>_<horizon> or REPLAY", e);
    }
  }

  /** The strategy name the series was made with. */
  public String strategy() {
    return strategy;
  }

  /** Schedule {@code index}: its seed {@code SimRandom.derive(seed, index)}, its strategy as the type says. */
  public synchronized Schedule schedule(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    String concrete = switch (strategy) {
      case "PORTFOLIO" -> switch (index % 3) {
        case 0 -> "RANDOM";
        case 1 -> pct(deepeningDepth(index / 3));
        default -> "POS";
      };
      case "PCT" -> pct(deepeningDepth(index));
      default -> strategy.matches("PCT[0-9]+") ? pct(Integer.parseInt(strategy.substring(3))) : strategy;
    };
    return new Schedule(mode, concrete, SimRandom.derive(seed, index), earlyBoundNanos, lateBoundNanos, new int[0]);
  }

  /** Tells the series how many steps a run of its test took ({@link SimResult#steps()}). */
  public void observe(SimResult<?> result) {
    observe(Objects.requireNonNull(result, "result must not be null").steps());
  }

  /**
   * Tells the series how many steps a run of its test took.
   *
   * @throws IllegalArgumentException if {@code steps} is negative
   */
  public synchronized void observe(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    horizon = Math.max(horizon, Math.min(steps, Integer.MAX_VALUE));
  }

  /** The most steps of any run observed so far (the PCT horizon of the next schedules), 0 before the first. */
  public synchronized long horizon() {
    return horizon;
  }

  /**
   * The depth of schedule {@code index} of {@code PCT} deepening: passes 1; 1, 2; 1, 2, 3; ... up to
   * {@value #MAX_DEPTH}, then the pass 1..{@value #MAX_DEPTH} again and again.
   *
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public static int deepeningDepth(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    if (index >= RAMP) {
      return 1 + (index - RAMP) % MAX_DEPTH;
    }
    int pass = 1;
    int start = 0;
    while (index >= start + pass) {
      start += pass;
      pass++;
    }
    return 1 + index - start;
  }

  private String pct(int depth) {
    return depth == 1 || horizon == 0 ? "PCT" + depth : "PCT" + depth + "_" + horizon;
  }

  @Override
  public String toString() {
    return "ScheduleSeries[" + strategy + ", seed " + Long.toHexString(seed) + ", " + mode + ", horizon " + horizon
        + "]";
  }
}
