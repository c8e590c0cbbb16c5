package io.weft.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.weft.sim.SimFailure;
import io.weft.testengine.AsyncTestFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs the racy scenario through the JUnit Platform, as CI would, and checks that it fails, shrinks and replays. */
class RacyBankScenarioTests {

  @TempDir
  Path tmp;

  private EngineExecutionResults run(Map<String, String> extra) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectMethod(RacyBankScenario.class, "paydayNeverCreatesMoney"))
        .configurationParameter("weft.regressions", tmp.resolve("regressions.txt").toString())
        .configurationParameter("weft.traceDir", tmp.resolve("traces").toString())
        .configurationParameters(extra)
        .execute();
  }

  private static List<AsyncTestFailure> failures(EngineExecutionResults r) {
    return r.testEvents().failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
        .map(AsyncTestFailure.class::cast)
        .toList();
  }

  @Test
  void fifoOrder_alonePassesTheRacyBank() {
    EngineExecutionResults r = run(Map.of("weft.strategy", "FIFO", "weft.schedules", "20"));

    r.testEvents().assertStatistics(s -> s.started(20).succeeded(20).failed(0));
  }

  @Test
  void exploration_findsTheOverdraft_shrinksIt_andSavesTheRegression() {
    EngineExecutionResults r = run(Map.of());

    List<AsyncTestFailure> failures = failures(r);
    assertThat(failures).hasSize(1);
    AsyncTestFailure f = failures.get(0);
    assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
    assertThat(f.getCause()).hasMessageContaining("money appeared");
    assertThat(f.shrunk().deviations()).isEqualTo(1);
    assertThat(f.getMessage()).contains("FAITHFUL mode").contains(f.replayProperty());
    assertThat(tmp.resolve("regressions.txt")).content()
        .contains(RacyBankScenario.class.getName() + "#paydayNeverCreatesMoney\t" + f.shrunk());
  }

  @Test
  void theReplayLine_failsTheSameWay_inOneInvocation() {
    AsyncTestFailure found = failures(run(Map.of("weft.regressions", "none"))).get(0);

    EngineExecutionResults replay = run(Map.of("weft.replay", found.shrunk().toString(), "weft.regressions", "none"));

    replay.testEvents().assertStatistics(s -> s.started(1).failed(1));
    AsyncTestFailure again = failures(replay).get(0);
    assertThat(again.getCause().getMessage()).isEqualTo(found.getCause().getMessage());
    assertThat(again.shrunk()).isEqualTo(found.shrunk());
  }

  @Test
  void aSavedRegression_runsFirst_onTheNextRun() {
    run(Map.of());

    EngineExecutionResults next = run(Map.of("weft.schedules", "5"));

    String first = next.testEvents().started().stream().findFirst().orElseThrow().getTestDescriptor()
        .getDisplayName();
    assertThat(first).startsWith("regression weft:1:FAITHFUL:REPLAY:");
    assertThat(failures(next)).hasSize(1);
  }
}
