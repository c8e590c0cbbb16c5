package io.weft.testengine;

import io.weft.AsyncCallable;
import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.TaskReport;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Runs one schedule of a test method; on a failure, shrinks it, writes the trace and the regression line, publishes
 * the report entries, and throws the {@link AsyncTestFailure}.
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

  private static final int TAIL = 20;
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Explorer.class);

  private Explorer() {}

  static void explore(Settings settings, String key, Schedule schedule, ScheduleInvocation.Origin origin,
      Method method, Object target, Object[] resolved, ExtensionContext ec) {
    AsyncCallable<Object> body = () -> {
      ReflectionSupport.invokeMethod(method, target, ScheduleInvocation.arguments(method, resolved));
      return null;
    };
    SimOptions options = settings.options();
    SimResult<Object> first = settings.selfCheck() ? Simulation.selfCheck(schedule, options, body)
        : Simulation.run(schedule, options, body);
    if (first.passed()) {
      return;
    }
    SimFailure failure = first.failure();
    SimFailure.Kind kind = failure.kind();
    Schedule original = first.replay();
    SimResult<Object> shrunkRun = first;
    Schedule shrunk = original;
    String shrinkNote;
    if (!settings.shrink()) {
      shrinkNote = "shrinking is off";
    } else if (kind == SimFailure.Kind.NONDETERMINISM || kind == SimFailure.Kind.WATCHDOG) {
      shrinkNote = "not shrunk: a " + kind + " failure does not follow from the choices alone";
    } else {
      Shrinker shrinker = new Shrinker(c -> {
        SimResult<Object> r = Simulation.run(original.replaying(c), options, body);
        return !r.passed() && r.failure().kind() == kind;
      }, settings.shrinkRuns(), settings.shrinkTime());
      Shrinker.Result result = shrinker.shrink(original.choices());
      SimResult<Object> again = Simulation.run(original.replaying(result.choices()), options, body);
      if (!again.passed() && again.failure().kind() == kind) {
        shrunkRun = again;
        shrunk = again.replay();
        shrinkNote = result.runs() + " shrinking run(s)" + (result.budgetExhausted() ? ", budget spent" : "");
      } else {
        shrinkNote = "the shrunk schedule " + original.replaying(result.choices()) + " did not fail again ("
            + (again.passed() ? "it passed" : again.failure().kind())
            + "): the code under test is not deterministic; reporting the original";
      }
    }
    SimFailure shown = shrunkRun.failure();

    String testName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    // The full class name, the origin and the seed: a regression replay and a generated schedule of one seed, or two
    // classes of one simple name, must not overwrite each other's file when tests run in parallel.
    Path traceFile = settings.traceDir().resolve(method.getDeclaringClass().getName() + "_" + method.getName()
        + "_" + origin.name().toLowerCase(java.util.Locale.ROOT) + "_" + Long.toHexString(schedule.seed()) + ".trace");
    String traceNote;
    try {
      shrunkRun.trace().write(traceFile, "# " + key + "\n# " + kind + " in " + shown.mode() + " mode\n# schedule "
          + shrunk);
      traceNote = traceFile.toAbsolutePath() + " (hash " + shrunkRun.trace().hashHex() + ", "
          + shrunkRun.trace().eventCount() + " events)";
    } catch (IOException | RuntimeException e) {
      traceNote = "could not be written to " + traceFile + ": " + e;
      traceFile = null;
    }

    String regressionNote;
    if (settings.regressions() == null) {
      regressionNote = "off (weft.regressions=none)";
    } else if (!firstOfItsKind(ec, kind)) {
      regressionNote = "not saved: another schedule of this method already recorded a " + kind + " in this run";
    } else {
      try {
        boolean added = new RegressionDatabase(settings.regressions()).add(key, shrunk);
        regressionNote = (added ? "saved to " : "already in ") + settings.regressions().toAbsolutePath();
      } catch (RuntimeException e) {
        regressionNote = "could not be saved to " + settings.regressions() + ": " + e;
      }
    }

    StringBuilder sb = new StringBuilder();
    sb.append("@AsyncTest ").append(testName).append(" failed: ").append(kind).append(" in ").append(shown.mode())
        .append(" mode\n");
    sb.append(indent(shown.getMessage())).append('\n');
    sb.append("original schedule: ").append(describe(origin, schedule, first)).append('\n');
    sb.append("shrunk schedule:   ").append(shrunk).append(" (").append(shrunk.deviations())
        .append(" deviation(s) from FIFO, was ").append(original.deviations()).append("; ").append(shrinkNote)
        .append(")\n");
    List<TaskReport> tasks = shown.tasks();
    if (!tasks.isEmpty()) {
      sb.append("tasks:\n");
      for (TaskReport t : tasks) {
        sb.append("  ").append(summary(t, method.getDeclaringClass())).append('\n');
      }
    }
    sb.append("trace: ").append(traceNote).append('\n');
    List<String> tail = shrunkRun.trace().tail(TAIL);
    if (!tail.isEmpty()) {
      sb.append("last ").append(tail.size()).append(" trace events:\n");
      for (String line : tail) {
        sb.append("  ").append(line).append('\n');
      }
    }
    sb.append("regression file: ").append(regressionNote).append('\n');
    String annotationLine = "@AsyncTest(replay = \"" + shrunk + "\")";
    String propertyLine = "-Dweft.replay=" + shrunk;
    sb.append("replay it with the attribute\n  ").append(annotationLine).append('\n');
    sb.append("or the system property (with -Dtest=").append(method.getDeclaringClass().getName()).append('#')
        .append(method.getName()).append(")\n  ").append(propertyLine);

    ec.publishReportEntry(ENTRY_REPLAY, shrunk.toString());
    ec.publishReportEntry(ENTRY_KIND, kind.name());
    ec.publishReportEntry(ENTRY_SHRUNK, original + " -> " + shrunk + " (" + original.deviations() + " -> "
        + shrunk.deviations() + " deviations)");
    if (traceFile != null) {
      ec.publishReportEntry(ENTRY_TRACE, traceFile.toAbsolutePath().toString());
    }
    Throwable cause = kind == SimFailure.Kind.TEST_FAILED && shown.getCause() != null ? shown.getCause() : shown;
    throw new AsyncTestFailure(sb.toString(), cause, kind, original, shrunk, traceFile);
  }

  /**
   * Whether this is the method's first failure of {@code kind} in this run: only that one is saved, so that one bug
   * found by many seeds adds one line, not one per seed (a stored regression that fails again counts as the first).
   */
  @SuppressWarnings("unchecked")
  private static boolean firstOfItsKind(ExtensionContext ec, SimFailure.Kind kind) {
    ExtensionContext template = ec.getParent().orElse(ec);
    Set<SimFailure.Kind> seen = (Set<SimFailure.Kind>) template.getStore(NAMESPACE)
        .getOrComputeIfAbsent("kinds", k -> ConcurrentHashMap.newKeySet(), Set.class);
    return seen.add(kind);
  }

  /**
   * A task's line: its name, phase, what it awaits, where, and on whom. The place is the innermost frame of the
   * test class (its lambdas and nested classes included) if there is one, the report's await site otherwise.
   */
  static String summary(TaskReport t, Class<?> testClass) {
    String site = t.awaitSite();
    String prefix = testClass.getName();
    for (String frame : t.stack()) {
      if (frame.startsWith(prefix + ".") || frame.startsWith(prefix + "$")) {
        site = frame;
        break;
      }
    }
    StringBuilder sb = new StringBuilder(t.name()).append(" (")
        .append(t.phase().name().toLowerCase(java.util.Locale.ROOT)).append(')');
    if (!t.awaiting().isEmpty()) {
      sb.append(" awaits ").append(t.awaiting());
    }
    if (!site.isEmpty()) {
      sb.append(" at ").append(site);
    }
    if (!t.waitsOn().isEmpty()) {
      sb.append(", waiting on ").append(String.join(", ", t.waitsOn()));
    }
    return sb.toString();
  }

  private static String describe(ScheduleInvocation.Origin origin, Schedule schedule, SimResult<?> first) {
    String from = switch (origin) {
      case GENERATED -> "";
      case REGRESSION -> " (from the regression file)";
      case REPLAY -> " (replayed)";
    };
    if (schedule.strategy().equals("REPLAY")) {
      return schedule + from;
    }
    return schedule + from + " = " + first.replay() + " (" + first.replay().deviations() + " deviation(s), "
        + first.steps() + " steps)";
  }

  private static String indent(String text) {
    return "  " + String.valueOf(text).replace("\n", "\n  ");
  }
}
