package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.ScheduleSeries;
import io.weft.sim.SimFailure;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs one schedule of a test method; on a failure, confirms it in a fresh run, shrinks it, saves it to the
 * regression file when it means something, and throws the {@link AsyncTestFailure} that {@link FailureReport} words.
 *
 * <h2>What a failure must survive before it is reported as found</h2>
 *
 * <ol>
 *   <li>The first run happens in the invocation JUnit prepared (its own instance, its {@code @BeforeEach}).</li>
 *   <li>The same schedule is run again in a fresh instance ({@link Reruns}). If it does not fail the same way (same
 *       kind; for a test failure, the same exception class), the failure followed from state an earlier run left
 *       behind, or from something outside the loop: the report says so, and nothing is shrunk or saved.</li>
 *   <li>Shrinking tries smaller schedules, each in a fresh instance, and when it is cheap proves the result minimal
 *       (every schedule of one deviation fails to fail); the shrunk schedule is run once more.</li>
 *   <li>The regression file gets the shrunk schedule only if it reproduced, depends on the schedule (it has at least
 *       one deviation from asyncio's own order) and is of a kind that follows from the choices alone.</li>
 * </ol>
 */
final class Explorer {

  /** The report entry with the shrunk schedule, the one to replay. */
  static final String ENTRY_REPLAY = "weft.replay";
  /** The report entry with the failure's kind. */
  static final String ENTRY_KIND = "weft.failure.kind";
  /** The report entry describing the shrink: {@code <original replay> -> <shrunk> (N -> M deviations)}. */
  static final String ENTRY_SHRUNK = "weft.shrunk";
  /** The report entry with the trace file. */
  static final String ENTRY_TRACE = "weft.trace";
  /** The parameter that bounds the shrinker's proof: the most one-deviation schedules it runs. */
  static final String PROOF_BUDGET = "weft.shrinkProofBudget";
  /** The report entry with the HTML timeline of the shown failure (beside the trace file). */
  static final String ENTRY_TIMELINE = "weft.timeline";
  /** The report entry with the shown failure in the Chrome trace-event format (Perfetto), beside the trace file. */
  static final String ENTRY_CHROME_TRACE = "weft.timeline.json";
  /** The report entry with a warning about a run that passed. */
  static final String ENTRY_WARNING = "weft.warning";

  /** Kinds that do not follow from the choices alone: never shrunk, confirmed or saved. */
  static final Set<SimFailure.Kind> NOT_REPLAYABLE = EnumSet.of(SimFailure.Kind.NONDETERMINISM,
      SimFailure.Kind.WATCHDOG, SimFailure.Kind.BLOCKED_OUTSIDE);

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Explorer.class);

  private Explorer() {}

  /**
   * Runs {@code schedule} in this invocation, with {@code reruns} for every further run it needs; tells
   * {@code series} (if not null) how many steps the run took, for the schedules after it.
   */
  static void explore(Settings settings, String key, Schedule schedule, ScheduleInvocation.Origin origin,
      TestMethod test, Reruns reruns, ExtensionContext ec, ScheduleSeries series) {
    int proofBudget = proofBudget(ec); // read first, so that a bad value fails every schedule, not only a failing one
    SimResult<Object> run = Simulation.run(schedule, settings.options(), test.body(settings));
    if (series != null) {
      series.observe(run);
    }
    SimResult<Object> first = run;
    if (settings.selfCheck()) {
      try {
        first = Simulation.compareRuns(run, reruns.run(schedule));
      } catch (Reruns.Impossible e) {
        if (run.passed()) {
          throw e; // nothing else to report: say why the self-check could not run
        }
        // a failure found in this run is the report; the confirmation below says why it could not be re-run
      }
    }
    if (first.passed()) {
      if (first.replayMismatch() != null) {
        Warnings.publish(ec, test.displayName(), "the schedule " + FailureReport.brief(schedule) + " passed, but "
            + first.replayMismatch());
      }
      return;
    }
    SimFailure.Kind kind = first.failure().kind();
    Schedule original = first.replay();
    FailureReport report = new FailureReport(test, key, origin, schedule, first, reruns.description());
    if (NOT_REPLAYABLE.contains(kind)) {
      report.notShrunk("not shrunk or re-run: a " + kind + " failure does not follow from the choices alone");
      report.notSaved("not saved: a " + kind + " failure does not follow from the choices alone");
      throw report.publishAndBuild(ec, settings);
    }

    SimResult<Object> confirm;
    try {
      confirm = reruns.run(original);
    } catch (Reruns.Impossible e) {
      report.notConfirmed(e.getMessage());
      report.notSaved("not saved: it could not be re-run to confirm it");
      throw report.publishAndBuild(ec, settings);
    }
    if (!sameFailure(first, confirm)) {
      report.notReproduced(confirm);
      report.notSaved("not saved: it did not fail again when re-run");
      throw report.publishAndBuild(ec, settings);
    }
    report.confirmed();

    SimResult<Object> shown = confirm;
    if (settings.shrink()) {
      shown = shrink(first, confirm, reruns, settings, proofBudget, report);
    } else {
      report.notShrunk("shrinking is off");
    }
    Schedule shrunk = shown.replay();
    if (settings.regressions() == null) {
      report.notSaved("off (weft.regressions=none)");
    } else if (shrunk.deviations() == 0) {
      report.notSaved("not saved: it fails under asyncio's own order (no deviation), so it does not depend on the"
          + " schedule and every run finds it");
    } else if (!firstOfItsKind(ec, key, kind)) {
      report.notSaved("not saved: another schedule of this method" + (key.endsWith("]") ? " and argument set" : "")
          + " already recorded a " + kind + " in this run");
    } else {
      try {
        boolean added = new RegressionDatabase(settings.regressions()).add(key, shrunk);
        report.notSaved((added ? "saved to " : "already in ") + settings.regressions().toAbsolutePath());
      } catch (RuntimeException e) {
        report.notSaved("could not be saved to " + settings.regressions() + ": " + e);
      }
    }
    throw report.publishAndBuild(ec, settings);
  }

  /**
   * Shrinks the confirmed failure, each candidate run with {@code reruns}; returns the run to show: the shrunk one if
   * it failed again the same way, else {@code confirm}.
   */
  private static SimResult<Object> shrink(SimResult<Object> first, SimResult<Object> confirm, Reruns reruns,
      Settings settings, int proofBudget, FailureReport report) {
    Schedule original = first.replay();
    // A shrinking run never takes longer than the whole shrinking budget: one that would (a candidate that has a real
    // thread or a child wait for what its schedule no longer gives) stops as WATCHDOG, which is not the same failure.
    java.time.Duration candidateTimeout = settings.shrinkTime().compareTo(java.time.Duration.ofSeconds(1)) > 0
        ? settings.shrinkTime() : java.time.Duration.ofSeconds(1);
    Shrinker shrinker = new Shrinker(c -> {
      SimResult<Object> r = reruns.run(original.replaying(c), candidateTimeout);
      return new Shrinker.Outcome(sameFailure(first, r), c.length == 0 ? alternatives(r) : null);
    }, settings.shrinkRuns(), settings.shrinkTime(), proofBudget);
    Shrinker.Result result;
    Schedule candidate;
    SimResult<Object> again;
    try {
      result = shrinker.shrink(original.choices());
      candidate = original.replaying(result.choices());
      again = reruns.run(candidate);
    } catch (Reruns.Impossible e) {
      report.notShrunk("not shrunk: a shrinking run could not be made: " + e.getMessage());
      return confirm;
    }
    if (sameFailure(first, again)) {
      report.shrunk(again, result.runs() + " shrinking run(s)" + (result.budgetExhausted() ? ", budget spent" : ""));
      report.minimality(result.minimality());
      return again;
    }
    report.notShrunk("the shrunk schedule " + candidate + " did not fail again ("
        + (again.passed() ? "it passed" : again.failure().kind()) + "): the code under test is not"
        + " deterministic; reporting the original");
    return confirm;
  }

  /** How many alternatives each choice point of {@code r} had, or null if its choices are not all listed. */
  static int[] alternatives(SimResult<?> r) {
    if (!r.allChoicesListed()) {
      return null;
    }
    int[] out = new int[r.choices().size()];
    int i = 0;
    for (io.weft.sim.Choice c : r.choices()) {
      out[i++] = c.alternatives();
    }
    return out;
  }

  /**
   * The most one-deviation schedules the shrinker's proof may run ({@value #PROOF_BUDGET}, default
   * {@link Shrinker#DEFAULT_PROOF_RUNS}); a parameter only, beside {@code weft.shrinkBudget} and
   * {@code weft.shrinkSeconds}.
   */
  static int proofBudget(ExtensionContext ec) {
    String v = ec.getConfigurationParameter(PROOF_BUDGET).orElse(null);
    if (v == null) {
      return Shrinker.DEFAULT_PROOF_RUNS;
    }
    try {
      int n = Integer.parseInt(v.trim().replace("_", ""));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(PROOF_BUDGET + " must be an integer >= 0 (0: no proof beyond one deviation),"
        + " got '" + v + "'");
  }

  /**
   * Whether {@code again} failed the way {@code first} did: the same kind, and for a test failure the same exception
   * class (a shrink that trades an assertion for a mock's verification error found another failure, not this one).
   */
  static boolean sameFailure(SimResult<?> first, SimResult<?> again) {
    if (again == null || again.passed() || again.failure().kind() != first.failure().kind()) {
      return false;
    }
    if (first.failure().kind() != SimFailure.Kind.TEST_FAILED) {
      return true;
    }
    Throwable a = first.failure().getCause();
    Throwable b = again.failure().getCause();
    return a == null ? b == null : b != null && Objects.equals(a.getClass(), b.getClass());
  }

  /**
   * Whether this is the first failure of {@code kind} under regression key {@code key} (the method, or one argument
   * set of it) in this run: only that one is saved, so that one bug found by many seeds adds one line, not one per
   * seed (a stored regression that fails again counts as the first). Each argument set replays only its own key's
   * lines, so each saves its own first.
   */
  @SuppressWarnings("unchecked")
  private static boolean firstOfItsKind(ExtensionContext ec, String key, SimFailure.Kind kind) {
    ExtensionContext template = ec.getParent().orElse(ec);
    Set<String> seen = (Set<String>) template.getStore(NAMESPACE)
        .getOrComputeIfAbsent("kinds", k -> ConcurrentHashMap.newKeySet(), Set.class);
    return seen.add(key + " " + kind);
  }
}
