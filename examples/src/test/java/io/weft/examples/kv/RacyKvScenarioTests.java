package io.weft.examples.kv;

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

/**
 * Runs the racy visit counter through the JUnit Platform: only the fault plan reveals the double count, the report
 * names the one partition that causes it, and the replay line fails the same way.
 */
class RacyKvScenarioTests {

  @TempDir
  Path tmp;

  private EngineExecutionResults run(Map<String, String> extra) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectMethod(RacyKvScenario.class, "everyVisitIsCountedOnce"))
        .configurationParameter("weft.regressions", "none")
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
  void withoutFaults_everyScheduleCountsEachVisitOnce() {
    EngineExecutionResults r = run(Map.of("weft.faults", "none"));

    r.testEvents().assertStatistics(s -> s.started(100).succeeded(100).failed(0));
  }

  @Test
  void withThePlan_theDoubleCountIsFound_andShrinksToOnePartition() {
    List<AsyncTestFailure> failures = failures(run(Map.of()));

    assertThat(failures).hasSize(1);
    AsyncTestFailure f = failures.get(0);
    assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
    assertThat(f.getCause().getMessage()).as("one partition holds up to three clients' answers, each retried")
        .matches("a visit was counted twice: the clients made 15 visits but the leader counts (1[6-8])"
            + " \\(followers: \\[\\1, \\1\\]\\)");
    assertThat(f.shrunk().deviations()).as("one partition is enough").isEqualTo(1);
    assertThat(f.getMessage())
        .contains("fault plan: " + RacyKvScenario.FAULTS)
        .containsPattern("  - at \\d+\\.\\d{6} s \\(virtual\\) the link client -> leader \\(both ways\\) was"
            + " partitioned for 300\\.000 ms")
        .contains(f.replayProperty());
  }

  @Test
  void theReplayLine_failsTheSameWay_inOneInvocation() {
    AsyncTestFailure found = failures(run(Map.of())).get(0);

    EngineExecutionResults replay = run(Map.of("weft.replay", found.shrunk().toString()));

    replay.testEvents().assertStatistics(s -> s.started(1).failed(1));
    AsyncTestFailure again = failures(replay).get(0);
    assertThat(again.getCause().getMessage()).isEqualTo(found.getCause().getMessage());
    assertThat(again.shrunk()).isEqualTo(found.shrunk());
  }
}
