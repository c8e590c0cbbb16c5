package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** Runs the *TestCase fixtures through the Jupiter engine and checks the events @AsyncTest produces. */
class AsyncTestExtensionTests {

  @TempDir
  Path tmp;

  private EngineExecutionResults run(DiscoverySelector selector, String... keyValues) {
    // most tests look at every failing schedule; see StopAfterFailure
    return EngineRuns.run(tmp, Map.of("weft.afterFailure", "continue"), selector, keyValues);
  }

  private static List<String> names(EngineExecutionResults r) {
    return r.testEvents().started().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
  }

  private static List<AsyncTestFailure> failures(EngineExecutionResults r) {
    return EngineRuns.failures(r);
  }

  private static Map<String, List<String>> entries(EngineExecutionResults r) {
    return r.allEvents().reportingEntryPublished().stream()
        .flatMap(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().entrySet().stream())
        .collect(Collectors.groupingBy(Map.Entry::getKey, LinkedHashMap::new,
            Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
  }

  @Nested
  class Invocations {

    @Test
    void passingMethod_runsEachScheduleAsAnInvocation_namedWithItsSeed() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"));

      r.testEvents().assertStatistics(s -> s.started(5).succeeded(5).failed(0));
      List<String> names = names(r);
      assertThat(names).hasSize(5);
      // The default strategy, PORTFOLIO, takes RANDOM, PCT (deepening from depth 1) and POS in turn.
      List<String> strategies = List.of("RANDOM", "PCT1", "POS", "RANDOM", "PCT1");
      for (int i = 0; i < 5; i++) {
        Schedule expected = Schedule.of(io.weft.sim.Mode.FAITHFUL, "RANDOM", io.weft.sim.SimRandom.derive(0, i));
        assertThat(names.get(i)).isEqualTo("[" + i + "] seed=0x" + Long.toHexString(expected.seed())
            + " " + strategies.get(i) + " FAITHFUL");
      }
    }

    @Test
    void parameters_receiveTheRunsLoopClockSimulationAndSchedule_andTheClockReadsVirtualTime() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "injected", parameterTypes()));

      r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
    }

    private String parameterTypes() {
      return "io.weft.EventLoop,io.weft.spi.VirtualClock,io.weft.sim.Simulation,io.weft.sim.Schedule,"
          + "org.junit.jupiter.api.TestInfo";
    }

    @Test
    void passingRun_writesNoRegressionFile() {
      run(selectClass(PassingTestCase.class));

      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
    }
  }

  @Nested
  class Parallel {

    @Test
    void concurrentMethods_runTheirSimulationsAtTheSameTime_eachOnItsOwnLoop() {
      ParallelTestCase.MEETING.reset();
      EngineExecutionResults r = run(selectClass(ParallelTestCase.class),
          "junit.jupiter.execution.parallel.enabled", "true",
          "junit.jupiter.execution.parallel.mode.default", "concurrent",
          "junit.jupiter.execution.parallel.config.strategy", "fixed",
          "junit.jupiter.execution.parallel.config.fixed.parallelism", "2");

      r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }
  }

  @Nested
  class StopAfterFailure {

    @Test
    void byDefault_theSchedulesAfterTheFirstFailureAreSkipped_onceAndNamingIt() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.afterFailure", "stop");

      List<AsyncTestFailure> failures = failures(r);
      assertThat(failures).hasSize(1);
      assertThat(r.testEvents().aborted().count()).isZero();
      List<Event> skipped = r.testEvents().skipped().list();
      assertThat(skipped).hasSize(1);
      int started = (int) r.testEvents().started().count();
      String failedName = r.testEvents().failed().list().get(0).getTestDescriptor().getDisplayName();
      assertThat(skipped.get(0).getTestDescriptor().getDisplayName())
          .isEqualTo("skipped: " + (20 - started) + " more schedule(s) after " + failedName + " failed");
      assertThat(skipped.get(0).getPayload(String.class).orElseThrow())
          .startsWith((20 - started) + " schedule(s) not run: " + failedName + " already failed");
    }

    @Test
    void aBadValue_failsTheContainerNamingIt() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.afterFailure", "later");

      assertThat(r.containerEvents().failed().stream()
          .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
              .getThrowable().orElseThrow().getMessage()))
          .anySatisfy(m -> assertThat(m).contains("weft.afterFailure").contains("'later'"));
    }
  }

  @Nested
  class Failures {

    @Test
    void racyMethod_passesUnderFifo() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.strategy", "FIFO");

      r.testEvents().assertStatistics(s -> s.started(20).succeeded(20));
      assertThat(names(r).get(0)).endsWith(" FIFO FAITHFUL");
    }

    @Test
    void racyMethod_failsUnderSomeRandomSchedules_shrunkToOneDeviation() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class));

      List<AsyncTestFailure> failures = failures(r);
      assertThat(failures).isNotEmpty();
      assertThat(r.testEvents().succeeded().count()).as("some schedules keep asyncio's order and pass").isPositive();
      assertThat(failures).as("some failing schedules had irrelevant deviations too")
          .anySatisfy(f -> assertThat(f.original().deviations()).isGreaterThan(1));
      for (AsyncTestFailure f : failures) {
        assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
        assertThat(f.shrunk().deviations()).isEqualTo(1).isLessThanOrEqualTo(f.original().deviations());
        assertThat(f.shrunk().strategy()).isEqualTo("REPLAY");
        assertThat(f.getCause()).isInstanceOf(AssertionError.class)
            .hasMessageContaining("closed between the check and the act");
      }
    }

    @Test
    void report_givesModeSchedulesTraceAndBothReplayLines() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      String shrunk = f.shrunk().toString();
      assertThat(f.getMessage())
          .contains("TEST_FAILED in FAITHFUL mode")
          .contains("original schedule: weft:1:FAITHFUL:RANDOM:")
          .contains("shrunk schedule:   " + shrunk + " (1 deviation(s) from FIFO")
          .contains("closed between the check and the act")
          .contains("trace excerpt: events ")
          .contains("up to the failure")
          .contains("what made it fail: the shrunk schedule's deviation(s) from asyncio's own order\n  - at ")
          .contains("(EARLY), so the timer")
          .contains("@AsyncTest(replay = \"" + shrunk + "\")")
          .contains("\n  -Dweft.replay=" + shrunk)
          .contains("-Dtest=io.weft.testengine.RacyTestCase#checkThenAct");
      assertThat(f.replayAnnotation()).isEqualTo("@AsyncTest(replay = \"" + shrunk + "\")");
      assertThat(f.replayProperty()).isEqualTo("-Dweft.replay=" + shrunk);
      assertThat(f.traceFile()).exists().isRegularFile();
      assertThat(f.traceFile().getFileName().toString()).startsWith("io.weft.testengine.RacyTestCase_checkThenAct_generated_").endsWith(".trace");
      assertThat(f.getMessage()).contains(f.traceFile().toAbsolutePath().toString());
    }

    @Test
    void failure_publishesReplayKindAndShrunkEntries() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class));

      Map<String, List<String>> entries = entries(r);
      List<AsyncTestFailure> failures = failures(r);
      assertThat(entries.get("weft.replay")).hasSize(failures.size())
          .containsExactlyElementsOf(failures.stream().map(f -> f.shrunk().toString()).toList());
      assertThat(entries.get("weft.failure.kind")).containsOnly("TEST_FAILED");
      assertThat(entries.get("weft.shrunk").get(0)).contains(" -> ").endsWith("-> 1 deviations)");
      assertThat(entries.get("weft.trace")).hasSize(failures.size());
    }

    @Test
    void failure_writesItsTimelinesBesideTheTrace_andLinksThemFromTheReport() throws Exception {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class));

      Map<String, List<String>> entries = entries(r);
      AsyncTestFailure f = failures(r).get(0);
      String base = f.traceFile().getFileName().toString().replaceFirst("\\.trace$", "");
      java.nio.file.Path html = f.traceFile().resolveSibling(base + ".html").toAbsolutePath();
      java.nio.file.Path json = f.traceFile().resolveSibling(base + ".json").toAbsolutePath();
      assertThat(entries.get("weft.timeline")).contains(html.toString());
      assertThat(entries.get("weft.timeline.json")).contains(json.toString());
      assertThat(f.getMessage()).contains("\ntimeline: " + html + " (open it in a browser); for Perfetto"
          + " (ui.perfetto.dev) or chrome://tracing: " + json + "\n");
      // The shown (shrunk) run, with its one deviation's sentence.
      assertThat(java.nio.file.Files.readString(html)).startsWith("<!DOCTYPE html>").contains("(EARLY)")
          .contains("TEST_FAILED");
      assertThat(java.nio.file.Files.readString(json)).contains("\"traceEvents\"").contains("\"cat\":\"deviation\"");
    }

    @Test
    void shrinkOff_reportsTheOriginalReplay() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.shrink", "false");

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.shrunk()).isEqualTo(f.original());
      assertThat(f.getMessage()).contains("shrinking is off");
    }

    @Test
    void deadlock_isReportedWithTheWaitForCycleAndEachTasksAwaitSite() {
      EngineExecutionResults r = run(selectClass(DeadlockTestCase.class));

      List<AsyncTestFailure> failures = failures(r);
      assertThat(failures).hasSize(2);
      AsyncTestFailure f = failures.get(0);
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.DEADLOCK);
      assertThat(f.shrunk().deviations()).isZero();
      assertThat(f.getMessage()).contains("DEADLOCK in FAITHFUL mode")
          .contains("wait-for cycle: Task-2 -> Task-3 -> Task-2")
          .containsPattern("tasks:\n  main \\(suspended\\) awaits <GatheringFuture pending> at "
              + "io\\.weft\\.testengine\\.DeadlockTestCase\\.lockOrder\\(DeadlockTestCase\\.java:\\d+\\)")
          .containsPattern("  Task-2 \\(suspended\\) awaits .* on Lock\\[locked, waiters:1\\] at "
              + "io\\.weft\\.testengine\\.DeadlockTestCase\\.both\\(DeadlockTestCase\\.java:\\d+\\), waiting on Task-3");
    }
  }

  @Nested
  class Replay {

    @Test
    void replayParameter_runsOnlyThatSchedule_andReproducesTheFailure() {
      AsyncTestFailure found = failures(run(selectClass(RacyTestCase.class), "weft.regressions", "none")).get(0);

      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.replay", found.shrunk().toString(),
          "weft.regressions", "none");

      assertThat(names(r)).containsExactly("replay " + found.shrunk());
      AsyncTestFailure again = failures(r).get(0);
      assertThat(again.kind()).isEqualTo(found.kind());
      assertThat(again.shrunk()).isEqualTo(found.shrunk());
      assertThat(again.getCause()).hasMessage(found.getCause().getMessage());
    }

    @Test
    void replayAttribute_runsOnlyThatSchedule() {
      EngineExecutionResults r = run(selectClass(ReplayTestCase.class));

      assertThat(names(r)).containsExactly("replay " + ReplayTestCase.SCHEDULE);
      assertThat(failures(r)).singleElement().satisfies(f -> assertThat(f.kind())
          .isEqualTo(SimFailure.Kind.TEST_FAILED));
    }

    @Test
    void fifoReplay_ofTheRacyMethod_passes() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.replay", Schedule.fifo().toString());

      r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }
  }

  @Nested
  class Configuration {

    @Test
    void schedulesParameter_overridesTheAttribute() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.schedules", "12");

      r.testEvents().assertStatistics(s -> s.started(12).succeeded(12));
    }

    @Test
    void seedStrategyAndModeParameters_showInTheNames() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.seed", "0x2a", "weft.strategy", "pct3", "weft.mode", "CHAOS");

      // The first schedule has no measured horizon yet; the next ones name the steps the runs before them took.
      assertThat(names(r).get(0)).isEqualTo("[0] seed=0x" + Long.toHexString(io.weft.sim.SimRandom.derive(42, 0))
          + " PCT3 CHAOS");
      assertThat(names(r).get(1)).matches("\\[1\\] seed=0x" + Long.toHexString(io.weft.sim.SimRandom.derive(42, 1))
          + " PCT3_[1-9][0-9]* CHAOS");
      r.testEvents().assertStatistics(s -> s.succeeded(5));
    }

    @Test
    void shards_splitTheInvocationsByIndexModuloCount() {
      EngineExecutionResults r0 = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.shard.index", "0", "weft.shard.count", "2");
      EngineExecutionResults r1 = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.shard.index", "1", "weft.shard.count", "2");

      assertThat(names(r0)).extracting(n -> n.substring(0, 3)).containsExactly("[0]", "[2]", "[4]");
      assertThat(names(r1)).extracting(n -> n.substring(0, 3)).containsExactly("[1]", "[3]");
    }

    @Test
    void randomSeed_isPublished() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.seed", "random");

      assertThat(entries(r).get("weft.seed")).singleElement().asString().startsWith("0x");
    }

    @Test
    void badStrategy_failsTheContainerWithTheReason() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.strategy", "NOPE");

      assertThat(r.containerEvents().failed().stream()
          .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
              .getMessage()))
          .anySatisfy(m -> assertThat(m).contains("NOPE"));
    }

    @Test
    void selfCheck_reportsNondeterminism_unshrunk() {
      EngineExecutionResults r = run(selectClass(NondeterministicTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.NONDETERMINISM);
      assertThat(f.getMessage()).contains("NONDETERMINISM in FAITHFUL mode").contains("not shrunk");
    }

    @Test
    void selfCheck_runsEachScheduleTwice_andPassesDeterministicCode() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.selfCheck", "true");

      r.testEvents().assertStatistics(s -> s.started(5).succeeded(5));
    }
  }

  @Nested
  class Regressions {

    @Test
    void failure_isSaved_andRunFirstNextTime() throws Exception {
      Path file = tmp.resolve("regressions.txt");
      List<AsyncTestFailure> found = failures(run(selectClass(RacyTestCase.class)));

      assertThat(file).exists();
      List<Schedule> stored = new RegressionDatabase(file).schedules("io.weft.testengine.RacyTestCase#checkThenAct");
      assertThat(stored).as("one line per bug kind, not per seed").containsExactly(found.get(0).shrunk());
      assertThat(Files.readString(file)).startsWith("#")
          .contains("io.weft.testengine.RacyTestCase#checkThenAct\t" + found.get(0).shrunk() + "\n");

      EngineExecutionResults next = run(selectClass(RacyTestCase.class), "weft.schedules", "1");

      assertThat(names(next)).first().isEqualTo("regression " + found.get(0).shrunk());
      assertThat(names(next)).hasSize(2);
      Event first = next.testEvents().finished().stream().findFirst().orElseThrow();
      assertThat(first.getPayload(TestExecutionResult.class).orElseThrow().getStatus())
          .isEqualTo(TestExecutionResult.Status.FAILED);
      assertThat(new RegressionDatabase(file).schedules("io.weft.testengine.RacyTestCase#checkThenAct"))
          .containsExactlyElementsOf(stored);
    }

    @Test
    void none_neitherReadsNorWrites() {
      EngineExecutionResults r = run(selectClass(RacyTestCase.class), "weft.regressions", "none");

      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
      assertThat(failures(r).get(0).getMessage()).contains("regression file: off");
    }
  }
}
