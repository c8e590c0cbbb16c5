package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.weft.sim.SimFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * What makes {@code @AsyncTest}'s reports trustworthy: every re-run in a fresh instance, failures confirmed before
 * they are shrunk or saved, argument sets, setup inside the loop, refused combinations, and output that reaches
 * Surefire.
 */
class AsyncTestTrustTests {

  @TempDir
  Path tmp;

  private EngineExecutionResults run(DiscoverySelector selector, String... keyValues) {
    return EngineRuns.run(tmp, Map.of(), selector, keyValues);
  }

  private static List<AsyncTestFailure> failures(EngineExecutionResults r) {
    return EngineRuns.failures(r);
  }

  private static List<String> entries(EngineExecutionResults r, String key) {
    return r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get(key))
        .filter(v -> v != null)
        .toList();
  }

  @Nested
  class FreshInstances {

    @Test
    void mockitoMocks_shrinkToTheTrueFailure_andTheShrunkReplayFails() {
      EngineExecutionResults r = run(selectClass(MockitoRacyTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(f.getCause().getClass().getSimpleName()).isEqualTo("TooManyActualInvocations");
      assertThat(f.getCause().getMessage()).contains("Wanted 1 time").contains("But was 2 times");
      assertThat(f.shrunk().deviations()).isEqualTo(1);
      assertThat(f.getMessage()).contains("re-runs: each in a fresh test instance");

      EngineExecutionResults replay = run(selectClass(MockitoRacyTestCase.class), "weft.replay",
          f.shrunk().toString(), "weft.regressions", "none");
      replay.testEvents().assertStatistics(s -> s.started(1).failed(1));
      assertThat(failures(replay).get(0).getCause().getMessage()).contains("But was 2 times");
    }

    @Test
    void mockitoMocks_passUnderFifo() {
      EngineExecutionResults r = run(selectClass(MockitoRacyTestCase.class), "weft.strategy", "FIFO",
          "weft.schedules", "3");
      r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
    }

    @Test
    void freshReRuns_shareTheClassesStaticState_soAStaticAfterAllDoesNotCloseWhatLaterSchedulesUse() {
      SharedServerTestCase.opened = 0;
      EngineExecutionResults r = run(selectClass(SharedServerTestCase.class), "weft.afterFailure", "continue");

      assertThat(failures(r)).isNotEmpty().allSatisfy(f -> assertThat(f.getCause())
          .hasMessageContaining("closed between the check and the act"));
      assertThat(SharedServerTestCase.opened).as("static @BeforeAll runs").isEqualTo(1);
    }

    @Test
    void aNestedClassDeclaredInAnAbstractContractTest_isReRunUnderTheConcreteClass() {
      EngineExecutionResults r = run(selectClass(InheritedNestedTestCase.Implementation.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.getMessage()).doesNotContain("NOT CONFIRMED").doesNotContain("NOT REPRODUCED");
      assertThat(f.shrunk().deviations()).isEqualTo(1);
    }

    @Test
    void selfCheck_runsTheSecondRunInAFreshInstance_soMocksStillPass() {
      EngineExecutionResults r = run(selectClass(MockitoRacyTestCase.class), "weft.strategy", "FIFO",
          "weft.schedules", "2", "weft.selfCheck", "true");

      r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }
  }

  @Nested
  class Parallel {

    @Test
    void mockitoUsingSimulations_inParallel_neverFailFalsely_norWriteTheRegressionFile() {
      for (int round = 0; round < 3; round++) {
        EngineExecutionResults r = run(selectClass(ParallelMockitoTestCase.class),
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "3");

        assertThat(r.testEvents().failed().stream()
            .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage())).as("round " + round).isEmpty();
        r.testEvents().assertStatistics(s -> s.started(90).succeeded(90));
      }
      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
    }
  }

  @Nested
  class Watchdog {

    private void nextRunPasses() {
      run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass")).testEvents()
          .assertStatistics(s -> s.started(5).succeeded(5));
    }

    @Test
    void aBusySpinWithoutAwaits_isReportedWithItsStack_andTheNextTestRuns() {
      SpinTestCase.stop = false;
      try {
        EngineExecutionResults r = run(selectMethod(SpinTestCase.class, "busySpin"), "weft.watchdog", "300ms");

        AsyncTestFailure f = failures(r).get(0);
        assertThat(f.kind()).isEqualTo(SimFailure.Kind.WATCHDOG);
        assertThat(f.getMessage()).contains("SpinTestCase.busySpin").contains("not shrunk or re-run")
            .contains("not saved");
      } finally {
        SpinTestCase.stop = true;
      }
      nextRunPasses();
    }

    @Test
    void aSpinWithSleepZero_isReportedWhenTheRunBoundPasses_namingWhereItSpins() {
      SpinTestCase.stop = false;
      try {
        EngineExecutionResults r = run(selectMethod(SpinTestCase.class, "sleepZeroSpin"), "weft.runTimeout",
            "500ms", "weft.stepLimit", "2000000000");

        AsyncTestFailure f = failures(r).get(0);
        assertThat(f.kind()).isEqualTo(SimFailure.Kind.WATCHDOG);
        assertThat(f.getMessage()).contains("SpinTestCase.sleepZeroSpin");
      } finally {
        SpinTestCase.stop = true;
      }
      nextRunPasses();
    }

    @Test
    void aBlockingCallInATask_isReportedWithItsStack_andTheNextTestRuns() throws Exception {
      try {
        EngineExecutionResults r = run(selectMethod(SpinTestCase.class, "blockingAccept"), "weft.watchdog", "500ms");

        AsyncTestFailure f = failures(r).get(0);
        assertThat(f.kind()).isIn(SimFailure.Kind.FOREIGN_RESUME, SimFailure.Kind.WATCHDOG);
        assertThat(f.getMessage()).contains("accept").contains("SpinTestCase.blockingAccept");
      } finally {
        if (SpinTestCase.server != null) {
          SpinTestCase.server.close();
        }
      }
      nextRunPasses();
    }
  }

  @Nested
  class Carriers {

    private EngineExecutionResults onBaton(String... keyValues) {
      System.setProperty("weft.carrier", "baton");
      try {
        return run(selectClass(BlockingSleepTestCase.class), keyValues);
      } finally {
        System.clearProperty("weft.carrier");
      }
    }

    @Test
    void onTheLoopCarrier_aBlockingCallFailsTheRun() {
      EngineExecutionResults r = run(selectClass(BlockingSleepTestCase.class));

      assertThat(failures(r).get(0).kind()).isEqualTo(SimFailure.Kind.FOREIGN_RESUME);
      assertThat(entries(r, "weft.warning")).isEmpty();
    }

    @Test
    void onTheFallbackCarrier_theRunSaysItCannotDetectBlockingCalls() {
      EngineExecutionResults r = onBaton();

      r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
      assertThat(entries(r, "weft.warning")).singleElement().satisfies(w -> assertThat(w)
          .contains("baton carrier").contains("NOT detected").contains("--add-opens java.base/java.lang=ALL-UNNAMED")
          .contains("weft.requireBlockingDetection=true"));
    }

    @Test
    void onTheFallbackCarrier_requireBlockingDetection_failsEveryRun() {
      EngineExecutionResults r = onBaton("weft.requireBlockingDetection", "true", "weft.afterFailure", "continue");

      r.testEvents().assertStatistics(s -> s.started(2).failed(2));
      assertThat(r.testEvents().failed().stream()
          .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
              .getMessage()))
          .allSatisfy(m -> assertThat(m).startsWith("weft.requireBlockingDetection=true, but baton carrier"));
    }
  }

  @Nested
  class Confirmation {

    @Test
    void aFailureThatDoesNotReproduce_isReportedAsLeakingState_notShrunkNorSaved() throws Exception {
      LeakyStateTestCase.RUNS.set(0);
      EngineExecutionResults r = run(selectClass(LeakyStateTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.getMessage()).contains("NOT REPRODUCED: the same schedule, run again each in a fresh test"
          + " instance").contains("passed").contains("state an earlier run left behind")
          .contains("not shrunk: it did not reproduce").contains("not saved: it did not fail again");
      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
    }

    @Test
    void aSetupThatFailsInTheFreshInstance_keepsTheTestsOwnFailure_sayingItCouldNotBeReRun() {
      UnrepeatableSetupTestCase.SETUPS.set(0);
      EngineExecutionResults r = run(selectClass(UnrepeatableSetupTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(f.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining("the answer");
      assertThat(f.getMessage()).contains("NOT CONFIRMED: could not re-run it")
          .contains("port 8080 already bound").contains("not saved");
      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
    }

    @Test
    void aNestedPerClassTest_withTestInfoAndTempDir_isConfirmedAndShrunkInFreshInstances() {
      EngineExecutionResults r = run(selectClass(LifecycleTestCase.class));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining("closed between");
      assertThat(f.shrunk().deviations()).isEqualTo(1);
      assertThat(f.getMessage()).doesNotContain("NOT REPRODUCED");
    }

    @Test
    void aFailureUnderAsyncioOwnOrder_isNotSaved_becauseItDoesNotDependOnTheSchedule() {
      EngineExecutionResults r = run(selectClass(FifoFailingTestCase.class), "weft.afterFailure", "continue");

      assertThat(failures(r)).hasSize(3).allSatisfy(f -> assertThat(f.getMessage())
          .contains("not saved: it fails under asyncio's own order"));
      assertThat(tmp.resolve("regressions.txt")).doesNotExist();
    }

    @Test
    void aScheduleDependentFailure_isSaved_andReplaysFirstNextTime() throws Exception {
      run(selectClass(RacyTestCase.class));

      String saved = Files.readString(tmp.resolve("regressions.txt"));
      assertThat(saved).contains(RacyTestCase.class.getName() + "#checkThenAct\tweft:1:");
      EngineExecutionResults again = run(selectClass(RacyTestCase.class));
      assertThat(again.testEvents().started().list().get(0).getTestDescriptor().getDisplayName())
          .startsWith("regression weft:1:");
    }
  }

  @Nested
  class Arguments {

    @Test
    void eachArgumentSet_runsUnderEverySchedule_namedWithItsArguments() {
      EngineExecutionResults r = run(selectMethod(ArgumentsTestCase.class, "sleepsItsDelay",
          "int, java.lang.String, io.weft.EventLoop"));

      r.testEvents().assertStatistics(s -> s.started(6).succeeded(6));
      assertThat(r.testEvents().started().stream().map(e -> e.getTestDescriptor().getDisplayName()))
          .anySatisfy(n -> assertThat(n).startsWith("[1] seed=0x").endsWith(" (2: 3, three)"))
          .anySatisfy(n -> assertThat(n).startsWith("[0] seed=0x").endsWith(" (0: 1, one)"));
    }

    @Test
    void eachRun_getsItsOwnArgumentObjects_soAMutatedArgumentDoesNotLeakIntoTheNextSchedule() {
      EngineExecutionResults r = run(selectMethod(MutableArgumentsTestCase.class, "addsOne", "java.util.List"));

      r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
    }

    @Test
    void aFreshReRun_getsItsOwnArgumentObjects_soAFailureIsConfirmed() {
      EngineExecutionResults r = run(selectMethod(MutableArgumentsTestCase.class, "alwaysFails", "java.util.List"));

      AsyncTestFailure f = failures(r).get(0);
      assertThat(f.getMessage()).doesNotContain("NOT REPRODUCED").contains("it fails under asyncio's own order");
    }

    @Test
    void twoArgumentSetsFailingUnderOneSchedule_writeTwoTraceFiles_eachWithItsOwnFailure() throws Exception {
      EngineExecutionResults r = run(selectMethod(MutableArgumentsTestCase.class, "failsForEveryName",
          "java.lang.String"), "weft.afterFailure", "continue");

      List<AsyncTestFailure> failures = failures(r);
      assertThat(failures).hasSize(2);
      assertThat(failures.get(0).traceFile()).isNotEqualTo(failures.get(1).traceFile());
      assertThat(Files.readString(failures.get(0).traceFile())).contains("#failsForEveryName[0]");
      assertThat(Files.readString(failures.get(1).traceFile())).contains("#failsForEveryName[1]");
    }

    @Test
    void twoFailingArgumentSets_eachSaveTheirFailure_underTheirOwnKey() throws Exception {
      run(selectMethod(ArgumentsTestCase.class, "checkThenActBothRacy", "int, io.weft.EventLoop"),
          "weft.afterFailure", "continue");

      assertThat(Files.readString(tmp.resolve("regressions.txt")))
          .contains(ArgumentsTestCase.class.getName() + "#checkThenActBothRacy[0]\tweft:1:")
          .contains(ArgumentsTestCase.class.getName() + "#checkThenActBothRacy[1]\tweft:1:");
    }

    @Test
    void aFailingArgumentSet_isShrunkAndSavedUnderItsOwnKey() throws Exception {
      EngineExecutionResults r = run(selectMethod(ArgumentsTestCase.class, "checkThenAct",
          "int, io.weft.EventLoop"));

      List<AsyncTestFailure> failures = failures(r);
      assertThat(failures).isNotEmpty();
      assertThat(r.testEvents().failed().stream().map(e -> e.getTestDescriptor().getDisplayName()))
          .allSatisfy(n -> assertThat(n).endsWith("(1: 2)"));
      assertThat(failures.get(0).shrunk().deviations()).isEqualTo(1);
      assertThat(Files.readString(tmp.resolve("regressions.txt")))
          .contains(ArgumentsTestCase.class.getName() + "#checkThenAct[1]\tweft:1:")
          .doesNotContain("#checkThenAct[0]");
    }
  }

  @Nested
  class LoopSetup {

    @Test
    void beforeAndAfterMethods_runOnTheSimulatedLoop_aroundEveryRun() {
      EngineExecutionResults r = run(selectClass(LoopSetupTestCase.class));

      r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
    }
  }

  @Nested
  class NestedSetup {

    @Test
    void enclosingClassesBeforeAndAfterMethods_runAroundANestedTest_outermostOutside() {
      EngineExecutionResults r = run(selectClass(NestedSetupTestCase.class));

      r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }
  }

  @Nested
  class Refusals {

    @Test
    void parameterizedTestOnTheSameMethod_failsNamingTheCombination() {
      EngineExecutionResults r = run(selectClass(MixedKindsTestCase.class));

      assertThat(r.allEvents().failed().stream()
          .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
              .getMessage()))
          .anySatisfy(m -> assertThat(m).contains("@AsyncTest cannot be combined with @ParameterizedTest")
              .contains("@AsyncArguments"));
    }
  }

  @Nested
  class Output {

    @Test
    void aFailure_printsItsReportEntries_soSurefireKeepsThemWithTheTestsOutput() {
      PrintStream saved = System.out;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EngineExecutionResults r;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        r = run(selectClass(RacyTestCase.class));
      } finally {
        System.setOut(saved);
      }
      AsyncTestFailure f = failures(r).get(0);
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("[weft] weft.replay = " + f.shrunk())
          .contains("[weft] weft.failure.kind = TEST_FAILED").contains("[weft] weft.trace = ");
    }

    @Test
    void aTasksLine_namesTheFrameInTheClassDeclaringTheTest_forATestInheritedFromAContract() {
      String frame = InheritedNestedTestCase.class.getName() + ".helper(InheritedNestedTestCase.java:12)";
      io.weft.sim.TaskReport t = new io.weft.sim.TaskReport("Task-2", io.weft.Task.Phase.SUSPENDED, "", "Weft.sleep:1",
          List.of(), List.of("io.weft.Weft.sleep(Weft.java:1)", frame));

      assertThat(FailureReport.summary(t, InheritedNestedTestCase.Implementation.class, InheritedNestedTestCase.class))
          .endsWith(" at " + frame);
    }

    @Test
    void aStaleReplay_thatPasses_warnsThatItsChoicesDoNotFit() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"), "weft.replay",
          "weft:1:FAITHFUL:REPLAY:1:1000000:1000000:5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5");

      r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
      assertThat(entries(r, "weft.warning")).singleElement().satisfies(w -> assertThat(w)
          .contains("passed, but the replayed schedule does not fit this test").contains("never used"));
    }

    @Test
    void progress_isPublishedEveryNSchedules() {
      EngineExecutionResults r = run(selectMethod(PassingTestCase.class, "twoSleepers_alwaysPass"),
          "weft.progressEvery", "2");

      assertThat(entries(r, "weft.progress")).hasSize(2)
          .allSatisfy(e -> assertThat(e).startsWith("PassingTestCase.twoSleepers_alwaysPass: "))
          .anySatisfy(e -> assertThat(e).contains("2 of 5 schedules run, 0 failed"))
          .anySatisfy(e -> assertThat(e).contains("4 of 5 schedules run, 0 failed"));
    }
  }

  @Nested
  class Paths {

    @Test
    void theProjectDirectory_isFoundFromTheTestClass_notTheWorkingDirectory() {
      Path dir = ProjectDir.of(AsyncTestTrustTests.class);

      assertThat(dir.resolve("pom.xml")).exists();
      assertThat(dir.getFileName().toString()).isEqualTo("test-engine");
      assertThat(dir.resolve("target")).isDirectory();
    }

    @Test
    void aGradleSubprojectWithoutABuildFile_isItsOwnProject_notTheRootBuild() throws Exception {
      Files.createDirectories(tmp.resolve("root/sub/build/classes/java/test"));
      Files.writeString(tmp.resolve("root/build.gradle"), "subprojects { apply plugin: 'java' }");
      Files.writeString(tmp.resolve("root/settings.gradle"), "include 'sub'");

      assertThat(ProjectDir.fromLocation(tmp.resolve("root/sub/build/classes/java/test")))
          .isEqualTo(tmp.resolve("root/sub").toAbsolutePath());
    }

    @Test
    void aPomAmongTheTestResources_isNotTakenForTheModulesOwn() throws Exception {
      Files.createDirectories(tmp.resolve("module/target/test-classes"));
      Files.writeString(tmp.resolve("module/pom.xml"), "<project/>");
      Files.writeString(tmp.resolve("module/target/test-classes/pom.xml"), "<project/>"); // a test resource

      assertThat(ProjectDir.fromLocation(tmp.resolve("module/target/test-classes")))
          .isEqualTo(tmp.resolve("module").toAbsolutePath());
    }

    @Test
    void aClassDirectoryOutsideTheKnownLayouts_findsTheNearestBuildFile() throws Exception {
      Files.createDirectories(tmp.resolve("p/out/test/classes"));
      Files.writeString(tmp.resolve("p/build.gradle.kts"), "");

      assertThat(ProjectDir.fromLocation(tmp.resolve("p/out/test/classes"))).isEqualTo(tmp.resolve("p")
          .toAbsolutePath());
    }

    @Test
    void aRelativeRegressionFile_isResolvedAgainstTheProjectDirectory() throws Exception {
      java.lang.reflect.Method m = SettingsTestCase.class.getDeclaredMethod("defaults");
      Path project = tmp.resolve("project");
      Settings s = Settings.resolve(m.getAnnotation(AsyncTest.class),
          k -> k.equals("weft.regressions") ? Optional.of("src/test/resources/r.txt") : Optional.empty(), project);

      assertThat(s.regressions()).isEqualTo(project.resolve("src/test/resources/r.txt"));
      assertThat(s.traceDir()).isEqualTo(project.resolve("target/weft-traces"));
    }
  }
}
