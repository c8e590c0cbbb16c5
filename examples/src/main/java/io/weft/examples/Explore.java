package io.weft.examples;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.weft.examples.bank.RacyBankScenario;
import io.weft.examples.kv.RacyKvScenario;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The README's main job: explores {@link RacyBankScenario} with {@code @AsyncTest} on the JUnit Platform, shows the
 * progress, prints the failure with its shrunk schedule and replay line, then replays that line and shows the same
 * failure; then does the same for {@link RacyKvScenario}, a replicated counter whose bug only a network fault shows.
 *
 * <p>Arguments: the number of schedules to explore (default 200).
 */
public final class Explore {

  private Explore() {}

  /** Runs the exploration and the replay; exits with 1 if the bug was not found or did not replay. */
  public static void main(String[] args) {
    int status = run(args.length > 0 ? args[0] : "200", System.out);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Explores both scenarios and replays their failures, printing to {@code out}; returns 0 if both did. */
  static int run(String schedules, PrintStream out) {
    int bank = exploreBank(schedules, out);
    if (bank != 0) {
      return bank;
    }
    out.println();
    out.println("Weft: exploring RacyKvScenario.everyVisitIsCountedOnce over 100 schedules with the fault plan \""
        + RacyKvScenario.FAULTS + "\" (each fault a choice of the schedule, so it replays and shrinks)");
    return exploreAndReplay(RacyKvScenario.class, "everyVisitIsCountedOnce", Map.of(), out);
  }

  private static int exploreBank(String schedules, PrintStream out) {
    try {
      if (Integer.parseInt(schedules) < 1) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      out.println("The argument is the number of schedules to explore, a positive integer; got '" + schedules + "'.");
      return 2;
    }
    out.println("Weft: exploring RacyBankScenario.paydayNeverCreatesMoney over " + schedules
        + " faithful schedules (strategy RANDOM, asyncio's ordering kept; what varies is timer jitter)");
    return exploreAndReplay(RacyBankScenario.class, "paydayNeverCreatesMoney", Map.of("weft.schedules", schedules),
        out);
  }

  private static int exploreAndReplay(Class<?> scenario, String method, Map<String, String> parameters,
      PrintStream out) {
    Run explore = run(scenario, method, parameters, out, true);
    if (explore.failure == null || explore.replayLine == null) {
      out.println("No failure found in " + explore.explored + " schedules.");
      return 1;
    }
    out.println();
    out.println("Failure after " + explore.explored + " schedule(s)" + (explore.skipped > 0 ? "; the other "
        + explore.skipped + " were skipped (a method stops at its first failure)" : "") + ":");
    out.println(explore.failure.getMessage());
    out.println();
    out.println("Replaying " + explore.replayLine);
    Run replay = run(scenario, method, Map.of("weft.replay", explore.replayLine), out, false);
    if (replay.failure == null) {
      out.println("The replay passed: it should have failed the same way.");
      return 1;
    }
    String first = firstLine(replay.failure.getMessage());
    out.println("The replay fails the same way: " + first);
    if (!first.equals(firstLine(explore.failure.getMessage()))) {
      out.println("(but the first line differs from the exploration's)");
      return 1;
    }
    return 0;
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  /** What one launcher run saw. */
  private static final class Run implements TestExecutionListener {
    final PrintStream out;
    final boolean progress;
    int invocations;
    int explored;
    int skipped;
    Throwable failure;
    String replayLine;
    final List<String> line = new ArrayList<>();

    Run(PrintStream out, boolean progress) {
      this.out = out;
      this.progress = progress;
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      if (!id.isTest()) {
        return;
      }
      invocations++;
      if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
        skipped++;
        return;
      }
      explored++;
      boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
      if (failed && failure == null) {
        failure = result.getThrowable().orElse(null);
      }
      if (progress) {
        out.print(failed ? "F" : ".");
        if (explored % 50 == 0 || failed) {
          out.println(" " + explored + (failed ? " <- " + id.getDisplayName() : ""));
        }
        out.flush();
      }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      // After a failure @AsyncTest reports the schedules it did not run once: "N schedule(s) not run: ...".
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+) schedule").matcher(reason);
      if (id.isTest() && m.find()) {
        skipped += Integer.parseInt(m.group(1));
      }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
      String v = entry.getKeyValuePairs().get("weft.replay");
      if (v != null && replayLine == null) {
        replayLine = v;
      }
    }
  }

  private static Run run(Class<?> scenario, String method, Map<String, String> parameters, PrintStream out,
      boolean progress) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(scenario, method))
        .configurationParameters(parameters)
        .configurationParameter("weft.regressions", "none")
        .configurationParameter("weft.printReportEntries", "false") // this program prints the report itself
        .build();
    Launcher launcher = LauncherFactory.create();
    Run run = new Run(out, progress);
    launcher.execute(request, run);
    return run;
  }
}
