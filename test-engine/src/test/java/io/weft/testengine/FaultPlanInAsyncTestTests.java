package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @AsyncTest(faults = ...)}: the plan's faults are choices of each schedule, so FIFO injects none, a failure
 * they cause shrinks to the one fault that matters, the report names the plan and the fault, and the replay line
 * injects the same fault again.
 */
class FaultPlanInAsyncTestTests {

  @TempDir
  Path tmp;

  private EngineExecutionResults run(DiscoverySelector selector, String... keyValues) {
    return EngineRuns.run(tmp, Map.of("weft.afterFailure", "continue"), selector, keyValues);
  }

  @Test
  void underFifo_noFaultIsInjected_andEveryScheduleOfTheLossyPlanPasses() {
    EngineExecutionResults r = run(selectClass(LossyUdpTestCase.class), "weft.strategy", "FIFO");
    r.testEvents().assertStatistics(s -> s.started(30).succeeded(30));
  }

  @Test
  void withoutThePlan_randomSchedulesPass_becauseThePerfectNetworkNeverLosesOrReorders() {
    EngineExecutionResults r = run(selectClass(LossyUdpTestCase.class), "weft.faults", "none");
    r.testEvents().assertStatistics(s -> s.started(30).succeeded(30));
  }

  @Test
  void aFaultFailure_shrinksToOneFault_theReportNamesPlanAndFault_andTheReplayFailsTheSameWay() {
    EngineExecutionResults r = run(selectClass(LossyUdpTestCase.class));
    List<AsyncTestFailure> failures = EngineRuns.failures(r);
    assertThat(failures).as("random faults break a program that trusts UDP").isNotEmpty();
    AsyncTestFailure f = failures.get(0);
    assertThat(f.shrunk().deviations()).as("one fault is enough").isEqualTo(1);
    assertThat(f.getMessage())
        .contains("fault plan: client->server: latency=uniform(0ms,4ms), loss=5%")
        .contains("deviation(s) from asyncio's own order and the perfect network (faults)")
        .containsPattern("  - at \\d+\\.\\d{6} s \\(virtual\\) the datagram of 4 bytes client -> server (was dropped"
            + " \\(loss 5%\\)|took \\d+\\.\\d{3} ms to arrive, not \\d+\\.\\d{3} ms \\(uniform\\(0ms,4ms\\) at its p\\d+\\))"
            + " \\(FAULT, alternative \\d of \\d\\)");

    EngineExecutionResults replay = run(selectMethod(LossyUdpTestCase.class, "everyDatagramArrivesOnceInOrder",
        "io.weft.sim.net.SimNetwork"), "weft.replay", f.shrunk().toString());
    List<AsyncTestFailure> again = EngineRuns.failures(replay);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).getCause().getMessage()).isEqualTo(f.getCause().getMessage());
  }

  @Test
  void aFaultFailure_isSavedInTheRegressionFile_andItsFaultsAreInjectedAgainFirstNextTime() throws Exception {
    Path file = tmp.resolve("regressions.txt");
    List<AsyncTestFailure> found = EngineRuns.failures(run(selectClass(LossyUdpTestCase.class)));
    assertThat(found).isNotEmpty();
    assertThat(java.nio.file.Files.readString(file)).as("the shrunk schedule, whose choices are the faults")
        .containsPattern("LossyUdpTestCase#everyDatagramArrivesOnceInOrder\\S*\t"
            + java.util.regex.Pattern.quote(found.get(0).shrunk().toString()) + "\n");

    // Next time (one new schedule, under FIFO, which injects no fault of its own), the saved schedule runs first
    // and injects its fault again: the same failure, with the same fault in its report.
    EngineExecutionResults next = run(selectClass(LossyUdpTestCase.class), "weft.schedules", "1",
        "weft.strategy", "FIFO");
    List<AsyncTestFailure> again = EngineRuns.failures(next);
    assertThat(again).as("only the regression fails: FIFO draws no fault").hasSize(1);
    assertThat(again.get(0).getCause().getMessage()).isEqualTo(found.get(0).getCause().getMessage());
    String fault = found.get(0).getMessage().lines().filter(l -> l.contains("(FAULT, alternative")).findFirst()
        .orElseThrow();
    assertThat(again.get(0).getMessage()).contains(fault.strip());
  }

  @Test
  void aBadPlan_failsTheContainerNamingIt() {
    EngineExecutionResults r = run(selectClass(LossyUdpTestCase.class), "weft.faults", "client->server: loss=2");
    assertThat(r.containerEvents().failed().stream()
        .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
            .getThrowable().orElseThrow().getMessage()))
        .anySatisfy(m -> assertThat(m).contains("weft.faults").contains("loss").contains("2.0"));
  }
}
