package io.weft.testengine;

import io.weft.Api;
import io.weft.spi.SystemClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a failing choice sequence toward asyncio's own order: the fewest choices that differ from 0, then the
 * shortest sequence, then the lexicographically smallest, in the manner of Hypothesis's choice-sequence shrinking.
 *
 * <p>A choice sequence is what a {@code REPLAY} schedule replays; any sequence of values {@code >= 0} is a valid
 * replay (a replay chooses 0 past its end and clamps a value above the alternatives), so the shrinker may delete,
 * zero and lower values freely and needs only a predicate saying whether a candidate still fails the same way. It
 * is pure: it knows nothing of loops, it only calls the predicate.
 *
 * <h2>Passes</h2>
 *
 * <p>After one try of the empty sequence (asyncio's order itself), these passes repeat until a round makes no
 * progress or the budget is spent: delete chunks of 8, 4, 2 and 1 choices; set chunks of 8, 4, 2 and 1 choices to
 * 0; lower each nonzero value, to 0 and then by binary search to the least value that still fails. A candidate is
 * tried only if it is smaller than the best so far in the order (deviations, length, lexicographic), and never
 * twice, so the best only ever shrinks and the loop ends.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Shrinker {

  /** The default budget in predicate runs: 500. */
  public static final int DEFAULT_MAX_RUNS = 500;
  /** The default budget in real time: 10 seconds. */
  public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(10);

  private static final int[] CHUNKS = {8, 4, 2, 1};

  private final Predicate<int[]> stillFails;
  private final int maxRuns;
  private final long maxNanos;
  private final Set<String> tried = new HashSet<>();
  private int runs;
  private long start;
  private boolean exhausted;

  /**
   * A shrinker with a budget.
   *
   * @param stillFails whether a candidate still fails the same way; never given null, may keep the array
   * @param maxRuns the most candidates to try, at least 0
   * @param maxTime the most real time to spend, positive
   */
  public Shrinker(Predicate<int[]> stillFails, int maxRuns, Duration maxTime) {
    this.stillFails = Objects.requireNonNull(stillFails, "stillFails must not be null");
    if (maxRuns < 0) {
      throw new IllegalArgumentException("maxRuns must be >= 0, got " + maxRuns);
    }
    Objects.requireNonNull(maxTime, "maxTime must not be null");
    if (maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("maxTime must be positive, got " + maxTime);
    }
    this.maxRuns = maxRuns;
    this.maxNanos = maxTime.toNanos();
  }

  /** A shrinker with the default budget ({@value #DEFAULT_MAX_RUNS} runs, 10 seconds). */
  public Shrinker(Predicate<int[]> stillFails) {
    this(stillFails, DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME);
  }

  /**
   * What shrinking found.
   *
   * @param choices the smallest failing sequence found, without trailing zeros; never null
   * @param runs how many candidates were tried
   * @param budgetExhausted whether the budget ran out before a round made no progress
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Result(int[] choices, int runs, boolean budgetExhausted) {

    /** Copies the choices. */
    public Result {
      choices = choices.clone();
    }

    /** The choices, copied. */
    @Override
    public int[] choices() {
      return choices.clone();
    }

    /** How many choices differ from 0. */
    public int deviations() {
      return Shrinker.deviations(choices);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && Arrays.equals(r.choices, choices) && r.runs == runs
          && r.budgetExhausted == budgetExhausted;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(choices), runs, budgetExhausted);
    }

    @Override
    public String toString() {
      return "Result[" + Arrays.toString(choices) + ", " + runs + " runs" + (budgetExhausted ? ", budget spent" : "")
          + "]";
    }
  }

  /**
   * Shrinks {@code failing}, a sequence the predicate is assumed to accept (it is not run again).
   *
   * @throws IllegalArgumentException if a value is negative
   * @throws IllegalStateException if this shrinker was used before
   */
  public Result shrink(int[] failing) {
    Objects.requireNonNull(failing, "failing must not be null");
    for (int c : failing) {
      if (c < 0) {
        throw new IllegalArgumentException("choices must be >= 0, got " + c);
      }
    }
    if (start != 0 || !tried.isEmpty()) {
      throw new IllegalStateException("a Shrinker shrinks once; create another");
    }
    start = SystemClock.INSTANCE.nanoTime();
    int[] best = trim(failing);
    tried.add(Arrays.toString(best));
    if (best.length > 0 && attempt(new int[0], best)) {
      return new Result(new int[0], runs, false);
    }
    boolean progress = true;
    while (progress && !exhausted) {
      progress = false;
      for (int k : CHUNKS) {
        for (int i = 0; i + k <= best.length && !exhausted; ) {
          int[] cand = new int[best.length - k];
          System.arraycopy(best, 0, cand, 0, i);
          System.arraycopy(best, i + k, cand, i, best.length - i - k);
          if (attempt(cand, best)) {
            best = trim(cand);
            progress = true;
          } else {
            i++;
          }
        }
      }
      for (int k : CHUNKS) {
        for (int i = 0; i + k <= best.length && !exhausted; i++) {
          int[] cand = best.clone();
          Arrays.fill(cand, i, i + k, 0);
          if (attempt(cand, best)) {
            best = trim(cand);
            progress = true;
          }
        }
      }
      for (int i = 0; i < best.length && !exhausted; i++) {
        if (best[i] <= 1) {
          continue; // 1 lowers only to 0, which the zeroing pass tried
        }
        int lo = 0; // known (or assumed) to pass
        int hi = best[i]; // fails
        while (lo + 1 < hi && !exhausted) {
          int mid = (lo + hi) >>> 1;
          int[] cand = best.clone();
          cand[i] = mid;
          if (attempt(cand, best)) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
        if (hi < best[i]) {
          best = best.clone();
          best[i] = hi;
          best = trim(best);
          progress = true;
        }
      }
    }
    return new Result(best, runs, exhausted);
  }

  /** Runs the predicate on {@code cand} if it is new, smaller than {@code best}, and the budget allows. */
  private boolean attempt(int[] cand, int[] best) {
    int[] c = trim(cand);
    if (compare(c, best) >= 0 || !tried.add(Arrays.toString(c))) {
      return false;
    }
    if (runs >= maxRuns || SystemClock.INSTANCE.nanoTime() - start > maxNanos) {
      exhausted = true;
      return false;
    }
    runs++;
    return stillFails.test(c.clone());
  }

  /**
   * The shrinking order: fewer deviations (nonzero values) first, then shorter (trailing zeros ignored), then
   * lexicographically smaller.
   */
  public static int compare(int[] a, int[] b) {
    int[] x = trim(a);
    int[] y = trim(b);
    int c = Integer.compare(deviations(x), deviations(y));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(x.length, y.length);
    return c != 0 ? c : Arrays.compare(x, y);
  }

  static int deviations(int[] choices) {
    int n = 0;
    for (int c : choices) {
      if (c != 0) {
        n++;
      }
    }
    return n;
  }

  static int[] trim(int[] c) {
    int n = c.length;
    while (n > 0 && c[n - 1] == 0) {
      n--;
    }
    return Arrays.copyOf(c, n);
  }
}
