package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import io.weft.sim.SimResult;
import io.weft.sim.TaskReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The words of one {@code @AsyncTest} failure: what failed and in which mode, the deviations from asyncio's order
 * that made it fail, the schedules, the tasks, the trace, the regression file, and the lines that replay it. It also
 * writes the trace file, publishes the {@code weft.*} report entries and prints them, so that they reach Surefire's
 * XML report (as the test's output) as well as listeners and IDEs.
 */
final class FailureReport {

  /** A schedule longer than this is shown abbreviated; the trace file has it in full. */
  static final int LONG_SCHEDULE = 200;
  private static final int TAIL = 20;

  private final TestMethod test;
  private final String key;
  private final ScheduleInvocation.Origin origin;
  private final Schedule schedule;
  private final SimResult<Object> first;
  private final String reruns;
  private SimResult<Object> shown;
  private String shrinkNote;
  // What the shrinker knows of the shrunk schedule's minimality ("proven minimal: ..."), or null if not shrunk.
  private String minimality;
  private String reproduceNote;
  private String regressionNote;
  private boolean confirmed;

  FailureReport(TestMethod test, String key, ScheduleInvocation.Origin origin, Schedule schedule,
      SimResult<Object> first, String reruns) {
    this.test = test;
    this.key = key;
    this.origin = origin;
    this.schedule = schedule;
    this.first = first;
    this.reruns = reruns;
    this.shown = first;
  }

  /** The failure was run again in a fresh instance and failed the same way. */
  void confirmed() {
    confirmed = true;
  }

  void notShrunk(String why) {
    shrinkNote = why;
  }

  void shrunk(SimResult<Object> run, String note) {
    shown = run;
    shrinkNote = note;
  }

  /** Says what is known of the shrunk schedule's minimality, as {@link Shrinker.Result#minimality()} words it. */
  void minimality(String words) {
    minimality = words;
  }

  void notReproduced(SimResult<Object> confirm) {
    reproduceNote = "NOT REPRODUCED: the same schedule, run again " + reruns + ", "
        + (confirm.passed() ? "passed" : "failed differently: " + firstLine(confirm.failure().getMessage()))
        + ". So this failure followed from state an earlier run left behind (a static field, a shared mock or cache)"
        + " or from something outside the loop (the wall clock, real threads), not from the schedule alone; it was"
        + " neither shrunk nor saved, and the replay line below may pass.";
    shrinkNote = "not shrunk: it did not reproduce";
  }

  /** The failure could not be run again ({@link Reruns.Impossible}): it is reported as found, unconfirmed. */
  void notConfirmed(String why) {
    reproduceNote = "NOT CONFIRMED: could not re-run it " + reruns + ": " + why + ". It is reported as found in"
        + " this run; it was neither shrunk nor saved.";
    shrinkNote = "not shrunk: it could not be re-run";
  }

  void notSaved(String note) {
    regressionNote = note;
  }

  /** Writes the trace, publishes and prints the report entries, and returns the failure to throw. */
  AsyncTestFailure publishAndBuild(ExtensionContext ec, Settings settings) {
    SimFailure failure = shown.failure();
    SimFailure.Kind kind = failure.kind();
    Schedule shrunk = shown.replay();
    Schedule original = first.replay();
    // Named by the key (Class#method, or Class#method[a] for argument set a), so that argument sets failing under
    // one schedule (each set runs the same seeds) do not overwrite each other's trace.
    Path traceFile = settings.traceDir().resolve(key.replace('#', '_').replace("[", "_").replace("]", "") + "_"
        + origin.name().toLowerCase(Locale.ROOT) + "_" + Long.toHexString(schedule.seed()) + ".trace");
    String traceNote;
    try {
      StringBuilder header = new StringBuilder("# ").append(key).append("\n# ").append(kind).append(" in ")
          .append(failure.mode()).append(" mode\n# schedule ").append(shrunk).append("\n# found by ").append(schedule)
          .append(" = ").append(original);
      for (String d : shown.deviations()) {
        header.append("\n# deviation: ").append(d);
      }
      shown.trace().write(traceFile, header.toString());
      traceNote = traceFile.toAbsolutePath() + " (hash " + shown.trace().hashHex() + ", " + shown.trace().eventCount()
          + " events)";
    } catch (IOException | RuntimeException e) {
      traceNote = "could not be written to " + traceFile + ": " + e;
      traceFile = null;
    }
    Timelines timelines = Timelines.write(shown, settings.traceDir(), traceFile, key + ": " + kind + " in "
        + failure.mode() + " mode");

    StringBuilder sb = new StringBuilder();
    sb.append("@AsyncTest ").append(test.displayName()).append(" failed: ").append(kind).append(" in ")
        .append(failure.mode()).append(" mode\n");
    sb.append(indent(failure.getMessage())).append('\n');
    if (!settings.faults().rules().isEmpty()) {
      sb.append("fault plan: ").append(settings.faults()).append('\n');
    }
    if (reproduceNote != null) {
      sb.append(reproduceNote).append('\n');
    }
    if (!shown.deviations().isEmpty()) {
      boolean faulted = shown.deviations().stream().anyMatch(d -> d.contains("(FAULT, "));
      sb.append("what made it fail: the shrunk schedule's deviation(s) from asyncio's own order")
          .append(faulted ? " and the perfect network (faults)" : "").append('\n');
      for (String d : shown.deviations()) {
        sb.append("  - ").append(d).append('\n');
      }
    } else if (confirmed && shown.replay().deviations() == 0) {
      sb.append("what made it fail: nothing the schedule chose; it fails under asyncio's own order (FIFO, no"
          + " jitter)\n");
    }
    if (first.replayMismatch() != null) {
      sb.append("warning: ").append(first.replayMismatch()).append('\n');
    }
    sb.append("original schedule: ").append(describeOriginal()).append('\n');
    sb.append("shrunk schedule:   ").append(brief(shrunk)).append(" (").append(shrunk.deviations())
        .append(" deviation(s) from FIFO, was ").append(original.deviations()).append("; ").append(shrinkNote)
        .append(")\n");
    if (minimality != null) {
      sb.append("minimality: ").append(minimality).append('\n');
    }
    sb.append("re-runs: ").append(reruns).append('\n');
    List<TaskReport> tasks = failure.tasks();
    if (!tasks.isEmpty()) {
      sb.append("tasks:\n");
      for (TaskReport t : tasks) {
        sb.append("  ").append(summary(t, test.testClass(), test.method().getDeclaringClass())).append('\n');
      }
    }
    sb.append("trace: ").append(traceNote).append('\n');
    sb.append("timeline: ").append(timelines.note()).append('\n');
    List<String> tail = shown.trace().tail(TAIL);
    if (tail.size() > 1) {
      sb.append("trace excerpt: ").append(tail.get(0)).append('\n');
      for (String line : tail.subList(1, tail.size())) {
        sb.append("  ").append(line).append('\n');
      }
    }
    sb.append("regression file: ").append(regressionNote).append('\n');
    String annotationLine = "@AsyncTest(replay = \"" + shrunk + "\")";
    String propertyLine = "-Dweft.replay=" + shrunk;
    sb.append("replay it with the attribute\n  ").append(annotationLine).append('\n');
    sb.append("or the system property (with -Dtest=").append(test.testClass().getName()).append('#')
        .append(test.method().getName()).append(")\n  ").append(propertyLine);

    List<String[]> entries = new ArrayList<>();
    entries.add(new String[] {Explorer.ENTRY_KIND, kind.name()});
    entries.add(new String[] {Explorer.ENTRY_REPLAY, shrunk.toString()});
    entries.add(new String[] {Explorer.ENTRY_SHRUNK, brief(original) + " -> " + brief(shrunk) + " ("
        + original.deviations() + " -> " + shrunk.deviations() + " deviations)"});
    if (traceFile != null) {
      entries.add(new String[] {Explorer.ENTRY_TRACE, traceFile.toAbsolutePath().toString()});
    }
    if (timelines.html() != null) {
      entries.add(new String[] {Explorer.ENTRY_TIMELINE, timelines.html().toAbsolutePath().toString()});
    }
    if (timelines.json() != null) {
      entries.add(new String[] {Explorer.ENTRY_CHROME_TRACE, timelines.json().toAbsolutePath().toString()});
    }
    for (String[] e : entries) {
      ec.publishReportEntry(e[0], e[1]);
      if (settings.printEntries()) {
        System.out.println("[weft] " + e[0] + " = " + e[1]);
      }
    }
    Throwable cause = kind == SimFailure.Kind.TEST_FAILED && failure.getCause() != null ? failure.getCause()
        : failure;
    return new AsyncTestFailure(sb.toString(), cause, kind, original, shrunk, traceFile);
  }

  private String describeOriginal() {
    String from = switch (origin) {
      case GENERATED, FRESH -> "";
      case REGRESSION -> " (from the regression file)";
      case REPLAY -> " (replayed)";
    };
    if (schedule.strategy().equals("REPLAY")) {
      return brief(schedule) + from;
    }
    return brief(schedule) + from + " = " + brief(first.replay()) + " (" + first.replay().deviations()
        + " deviation(s), " + first.steps() + " steps)";
  }

  /** The schedule, or for a long one its head, length, deviations and hash (the trace file has it in full). */
  static String brief(Schedule s) {
    return s.abbreviated(LONG_SCHEDULE);
  }

  /**
   * A task's line: its name, phase, what it awaits, where, and on whom. The place is the innermost frame of the
   * test class or of the class declaring the test method (an abstract contract test's), their lambdas and nested
   * classes included, if there is one; the report's await site otherwise.
   */
  static String summary(TaskReport t, Class<?> testClass, Class<?> declaringClass) {
    String site = t.awaitSite();
    String prefix = testClass.getName();
    String declared = declaringClass.getName();
    for (String frame : t.stack()) {
      if (frame.startsWith(prefix + ".") || frame.startsWith(prefix + "$") || frame.startsWith(declared + ".")
          || frame.startsWith(declared + "$")) {
        site = frame;
        break;
      }
    }
    StringBuilder sb = new StringBuilder(t.name()).append(" (").append(t.phase().name().toLowerCase(Locale.ROOT))
        .append(')');
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

  private static String firstLine(String text) {
    String t = String.valueOf(text);
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl) + " …";
  }

  private static String indent(String text) {
    return "  " + String.valueOf(text).replace("\n", "\n  ");
  }
}
