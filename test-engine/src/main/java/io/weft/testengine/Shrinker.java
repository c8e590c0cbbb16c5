package io.weft.testengine;

import io.weft.Api;
import io.weft.spi.SystemClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Shrinks a failing choice sequence toward asyncio's own order: the fewest choices that differ from 0, then the
 * shortest sequence, then the lexicographically smallest, in the manner of Hypothesis's choice-sequence shrinking; and
 * says whether the result is <em>proven</em> minimal or only <em>locally</em> minimal.
 *
 * <p>A choice sequence is what a {@code REPLAY} schedule replays; any sequence of values {@code >= 0} is a valid
 * replay (a replay chooses 0 past its end and clamps a value above the alternatives), so the shrinker may delete,
 * zero, lower and move values freely and needs only to know whether a candidate still fails the same way (and, for
 * the proof, how many alternatives each choice point of asyncio's own order has: {@link Runner}). It is pure: it
 * knows nothing of loops, it only runs candidates.
 *
 * <h2>Passes</h2>
 *
 * <p>After one try of the empty sequence (asyncio's order itself), these passes repeat until a round makes no
 * progress or the budget is spent: delete chunks of 8, 4, 2 and 1 choices; set chunks of 8, 4, 2 and 1 choices to
 * 0; lower each nonzero value, to 0 and then by binary search to the least value that still fails. When those find
 * nothing and two or more deviations are left, the <em>move</em> passes run, and any progress sends the shrinker back
 * to the first passes: drop one deviation while moving another up to {@value #SHIFT} positions left or right (a
 * deviation often changes which choice points follow it, so the one that matters sits a few places off once the
 * other is gone); move one deviation alone; swap two adjacent choices. A candidate is tried only if it is smaller
 * than the best so far in the order (deviations, length, lexicographic), and never twice, so the best only ever
 * shrinks and the loop ends.
 *
 * <h2>Proof</h2>
 *
 * <p>"Fails" means fails the same way, as the {@link Runner} decides. A result of 0 deviations is minimal; one of 1
 * is once asyncio's own order (the first candidate) did not fail. For more, the shrinker runs, as a last pass,
 * <em>every</em> schedule of one deviation: each choice point of asyncio's own order (the
 * {@link Outcome#alternatives()} of its run) with each of its nonzero alternatives. No other one-deviation schedule
 * makes a different run: the choices before the deviation are asyncio's, so the run meets the same choice points up
 * to it; a larger value is clamped to the last alternative; a position past the run's choice points is never asked.
 * If one fails, the first in the shrinking order is the result, proven minimal; if none does, a result of 2
 * deviations is proven minimal, and a larger one needs at least 2. This pass runs only if those schedules (not
 * already tried) number at most the proof budget ({@value #DEFAULT_PROOF_RUNS} runs by default), within the time
 * budget again. {@link Result#minimality()} words what is known.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Shrinker {

  /** The default budget in predicate runs: 500. */
  public static final int DEFAULT_MAX_RUNS = 500;
  /** The default budget in real time: 10 seconds. */
  public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(10);
  /** The default budget of the proof pass: the most one-deviation schedules it runs, 300. */
  public static final int DEFAULT_PROOF_RUNS = 300;
  /** How far the move passes shift a deviation, in choice positions either way. */
  public static final int SHIFT = 4;

  private static final int[] CHUNKS = {8, 4, 2, 1};

  private final Runner runner;
  private final int maxRuns;
  private final long maxNanos;
  private final int proofRuns;
  // Invariant: holds exactly the candidates (trimmed) that were run, and the starting sequence.
  private final Set<String> tried = new HashSet<>();
  private int runs;
  private long start;
  private boolean exhausted;
  // What running asyncio's own order (the empty sequence) showed; null until it ran.
  private Outcome fifo;

  /**
   * Runs one candidate for the shrinker.
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
  @FunctionalInterface
  public interface Runner {
    /** Runs {@code choices} (trimmed, the shrinker's own copy) and says what happened; never returns null. */
    Outcome run(int[] choices);
  }

  /**
   * What running one candidate showed.
   *
   * @param fails whether it still fails the same way
   * @param alternatives how many alternatives each choice point of the run had, in order, every one of them; or null
   *     if that is not known. The shrinker reads them only from the run of the empty sequence (asyncio's own order),
   *     so a runner may leave them out for every other; without them nothing is proven beyond one deviation
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
  public record Outcome(boolean fails, int[] alternatives) {

    /** Copies the alternatives. */
    public Outcome {
      alternatives = alternatives == null ? null : alternatives.clone();
    }

    /** The alternatives, copied, or null. */
    @Override
    public int[] alternatives() {
      return alternatives == null ? null : alternatives.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome x && x.fails == fails && Arrays.equals(x.alternatives, alternatives);
    }

    @Override
    public int hashCode() {
      return Objects.hash(fails, Arrays.hashCode(alternatives));
    }

    @Override
    public String toString() {
      return "Outcome[" + (fails ? "fails" : "passes") + ", alternatives=" + Arrays.toString(alternatives) + "]";
    }
  }

  /**
   * A shrinker with a budget and a proof budget.
   *
   * @param runner runs a candidate; never given null
   * @param maxRuns the most candidates to try in the shrinking passes, at least 0
   * @param maxTime the most real time to spend on the shrinking passes, and again on the proof, positive
   * @param proofRuns the most one-deviation schedules the proof pass runs, at least 0 (0: no proof beyond one
   *     deviation)
   */
  public Shrinker(Runner runner, int maxRuns, Duration maxTime, int proofRuns) {
    this.runner = Objects.requireNonNull(runner, "runner must not be null");
    if (maxRuns < 0) {
      throw new IllegalArgumentException("maxRuns must be >= 0, got " + maxRuns);
    }
    Objects.requireNonNull(maxTime, "maxTime must not be null");
    if (maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("maxTime must be positive, got " + maxTime);
    }
    if (proofRuns < 0) {
      throw new IllegalArgumentException("proofRuns must be >= 0, got " + proofRuns);
    }
    this.maxRuns = maxRuns;
    this.maxNanos = maxTime.toNanos();
    this.proofRuns = proofRuns;
  }

  /**
   * A shrinker with a budget, for a predicate that knows no alternatives: results of more than one deviation are never
   * proven minimal.
   *
   * @param stillFails whether a candidate still fails the same way; never given null, may keep the array
   * @param maxRuns the most candidates to try, at least 0
   * @param maxTime the most real time to spend, positive
   */
  public Shrinker(Predicate<int[]> stillFails, int maxRuns, Duration maxTime) {
    this(predicateRunner(stillFails), maxRuns, maxTime, DEFAULT_PROOF_RUNS);
  }

  /** A shrinker with the default budget ({@value #DEFAULT_MAX_RUNS} runs, 10 seconds). */
  public Shrinker(Predicate<int[]> stillFails) {
    this(stillFails, DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME);
  }

  private static Runner predicateRunner(Predicate<int[]> stillFails) {
    Objects.requireNonNull(stillFails, "stillFails must not be null");
    return c -> new Outcome(stillFails.test(c), null);
  }

  /**
   * What shrinking found.
   *
   * @param choices the smallest failing sequence found, without trailing zeros; never null
   * @param runs how many candidates were run, the proof's included
   * @param budgetExhausted whether the budget ran out before a round made no progress
   * @param proven whether no sequence with fewer deviations fails: it was shown by running them all (the empty one,
   *     and for a result of 2 deviations every one-deviation schedule)
   * @param minimality what is known of the result's minimality, in words for a report: "proven minimal: ..." or
   *     "locally minimal: ..." or, when the budget ran out, "not minimized: ..."; never null
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Result(int[] choices, int runs, boolean budgetExhausted, boolean proven, String minimality) {

    /** Copies the choices. */
    public Result {
      choices = choices.clone();
      Objects.requireNonNull(minimality, "minimality must not be null");
    }

    /** A result not proven minimal, of a shrink that says nothing more about it (the fields before 0.3). */
    public Result(int[] choices, int runs, boolean budgetExhausted) {
      this(choices, runs, budgetExhausted, false, "not known to be minimal");
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
          && r.budgetExhausted == budgetExhausted && r.proven == proven && r.minimality.equals(minimality);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(choices), runs, budgetExhausted, proven, minimality);
    }

    @Override
    public String toString() {
      return "Result[" + Arrays.toString(choices) + ", " + runs + " runs" + (budgetExhausted ? ", budget spent" : "")
          + ", " + minimality + "]";
    }
  }

  /**
   * Shrinks {@code failing}, a sequence the runner is assumed to fail (it is not run again).
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
    if (best.length == 0) {
      return new Result(best, 0, false, true, "proven minimal: it fails under asyncio's own order (no deviation)");
    }
    if (attempt(new int[0], best)) {
      return new Result(new int[0], runs, false, true,
          "proven minimal: it fails under asyncio's own order (no deviation)");
    }
    boolean progress = true;
    while (progress && !exhausted) {
      progress = false;
      int[] before = best;
      best = deleteChunks(best);
      best = zeroChunks(best);
      best = lowerValues(best);
      if (best != before) {
        progress = true;
      } else if (deviations(best) >= 2) {
        best = moves(best);
        progress = best != before;
      }
    }
    boolean spent = exhausted;
    return prove(best, spent);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The shrinking passes: each returns the best after it (the same array if nothing was smaller and failed)
  // ------------------------------------------------------------------------------------------------------------

  private int[] deleteChunks(int[] best) {
    for (int k : CHUNKS) {
      for (int i = 0; i + k <= best.length && !exhausted; ) {
        int[] cand = new int[best.length - k];
        System.arraycopy(best, 0, cand, 0, i);
        System.arraycopy(best, i + k, cand, i, best.length - i - k);
        if (attempt(cand, best)) {
          best = trim(cand);
        } else {
          i++;
        }
      }
    }
    return best;
  }

  private int[] zeroChunks(int[] best) {
    for (int k : CHUNKS) {
      for (int i = 0; i + k <= best.length && !exhausted; i++) {
        int[] cand = best.clone();
        Arrays.fill(cand, i, i + k, 0);
        if (attempt(cand, best)) {
          best = trim(cand);
        }
      }
    }
    return best;
  }

  private int[] lowerValues(int[] best) {
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
      }
    }
    return best;
  }

  /**
   * The move passes, on a best of two or more deviations: drop one deviation and shift another; shift one alone;
   * swap adjacent choices. Returns at the first success, so the cheaper passes run again on the new best.
   */
  private int[] moves(int[] best) {
    int[] at = positions(best);
    for (int i : at) {
      for (int drop : at) {
        if (drop == i) {
          continue;
        }
        for (int d = 1; d <= SHIFT && !exhausted; d++) {
          for (int to : new int[] {i - d, i + d}) {
            if (to >= 0) {
              int[] cand = moved(best, i, to);
              if (drop != to) {
                cand[drop] = 0;
              }
              if (attempt(cand, best)) {
                return trim(cand);
              }
            }
          }
        }
      }
    }
    for (int i : at) {
      for (int d = 1; d <= SHIFT && !exhausted; d++) {
        for (int to : new int[] {i - d, i + d}) {
          if (to >= 0) {
            int[] cand = moved(best, i, to);
            if (attempt(cand, best)) {
              return trim(cand);
            }
          }
        }
      }
    }
    for (int i = 0; i + 1 < best.length && !exhausted; i++) {
      if (best[i] != best[i + 1]) {
        int[] cand = best.clone();
        cand[i] = best[i + 1];
        cand[i + 1] = best[i];
        if (attempt(cand, best)) {
          return trim(cand);
        }
      }
    }
    return best;
  }

  /** {@code best} with the value at {@code from} moved to {@code to}: 0 left behind, grown if {@code to} is past it. */
  private static int[] moved(int[] best, int from, int to) {
    int[] cand = Arrays.copyOf(best, Math.max(best.length, to + 1));
    cand[to] = best[from];
    cand[from] = 0;
    return cand;
  }

  private static int[] positions(int[] c) {
    int[] at = new int[deviations(c)];
    int n = 0;
    for (int i = 0; i < c.length; i++) {
      if (c[i] != 0) {
        at[n++] = i;
      }
    }
    return at;
  }

  // ------------------------------------------------------------------------------------------------------------
  // The proof: every one-deviation schedule of asyncio's own order
  // ------------------------------------------------------------------------------------------------------------

  private Result prove(int[] best, boolean spent) {
    int devs = deviations(best);
    String local = spent ? "not minimized: the shrinking budget (" + maxRuns + " runs, " + seconds(maxNanos)
        + ") ran out, so a smaller failing schedule may exist" : "locally minimal: no deletion, zeroing, lowering, "
        + "shift or swap of its choices that was tried fails with fewer deviations";
    if (fifo == null) {
      return new Result(best, runs, spent, false, local + "; asyncio's own order was not run");
    }
    if (devs == 1) {
      return new Result(best, runs, spent, true, "proven minimal: no schedule with fewer deviations fails this way"
          + " (asyncio's own order does not)");
    }
    int[] alts = fifo.alternatives();
    if (alts == null) {
      return new Result(best, runs, spent, false, local + "; the one-deviation schedules were not searched (the"
          + " choice points of asyncio's own order are not known)");
    }
    long total = 0;
    long untried = 0;
    for (int p = 0; p < alts.length; p++) {
      for (int a = 1; a < alts[p]; a++) {
        total++;
        if (!tried.contains(Arrays.toString(oneDeviation(p, a)))) {
          untried++;
        }
      }
    }
    String all = String.format(Locale.ROOT, "%,d", total);
    if (untried > proofRuns) {
      return new Result(best, runs, spent, false, local + "; the " + all + " one-deviation schedules were not all"
          + " run: more than the proof budget of " + proofRuns + " runs");
    }
    long proofStart = SystemClock.INSTANCE.nanoTime();
    for (int p = 0; p < alts.length; p++) {
      for (int a = 1; a < alts[p]; a++) {
        int[] cand = oneDeviation(p, a);
        if (!tried.add(Arrays.toString(cand))) {
          continue; // run before, and it passed: a failing one would be the best, and the best has 2 or more
        }
        if (SystemClock.INSTANCE.nanoTime() - proofStart > maxNanos) {
          return new Result(best, runs, spent, false, local + "; the proof ran out of time (" + seconds(maxNanos)
              + ") before it had run all " + all + " one-deviation schedules");
        }
        runs++;
        if (runner.run(cand.clone()).fails()) {
          return new Result(cand, runs, spent, true, "proven minimal: no schedule with fewer deviations fails"
              + " this way (asyncio's own order does not); found by running the one-deviation schedules in order");
        }
      }
    }
    if (devs == 2) {
      return new Result(best, runs, spent, true, "proven minimal: no schedule with fewer deviations fails this way"
          + " (asyncio's own order does not, and all " + all + " one-deviation schedules were run)");
    }
    return new Result(best, runs, spent, false, local + "; at least 2 deviations are needed: all " + all
        + " one-deviation schedules were run and none fails this way");
  }

  private static int[] oneDeviation(int position, int value) {
    int[] c = new int[position + 1];
    c[position] = value;
    return c;
  }

  private static String seconds(long nanos) {
    return Duration.ofNanos(nanos).toMillis() % 1000 == 0 ? nanos / 1_000_000_000L + " s"
        : Duration.ofNanos(nanos).toMillis() + " ms";
  }

  /** Runs {@code cand} if it is new, smaller than {@code best}, and the budget allows. */
  private boolean attempt(int[] cand, int[] best) {
    int[] c = trim(cand);
    if (compare(c, best) >= 0 || tried.contains(Arrays.toString(c))) {
      return false;
    }
    if (runs >= maxRuns || SystemClock.INSTANCE.nanoTime() - start > maxNanos) {
      exhausted = true;
      return false;
    }
    tried.add(Arrays.toString(c));
    runs++;
    Outcome o = runner.run(c.clone());
    if (c.length == 0) {
      fifo = o;
    }
    return o.fails();
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
