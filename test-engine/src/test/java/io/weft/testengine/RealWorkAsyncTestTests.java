package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.weft.Weft;
import io.weft.sim.SimFailure;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** {@code @AsyncTest} on a test that hands work to a real thread: its failure reproduces, shrinks and replays. */
class RealWorkAsyncTestTests {

  @TempDir
  Path tmp;

  @Test
  void aRealThreadsOrderBug_isReproduced_shrunkToOneDeviation_andReplays() {
    EngineExecutionResults r = EngineRuns.run(tmp, Map.of("weft.afterFailure", "continue"),
        selectClass(RealWorkTestCase.class));

    List<AsyncTestFailure> failures = EngineRuns.failures(r);
    assertThat(failures).isNotEmpty();
    for (AsyncTestFailure f : failures) {
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(f.getMessage()).doesNotContain("NOT REPRODUCED").contains("REAL_WORK");
      assertThat(f.shrunk().deviations()).isEqualTo(1);
      for (int i = 0; i < 20; i++) {
        SimResult<Object> again = Simulation.run(f.shrunk(), () -> RealWorkTestCase.configLoad(Weft.getRunningLoop()));
        assertThat(again.value()).as("replay %d of %s", i, f.shrunk()).asList()
            .startsWith("loaded before anyone listened");
      }
    }
  }

  @Test
  void aChildsOrderBug_isReproduced_andItsReplayLinesFailTheSameWay_piecesIncluded() throws Exception {
    EngineExecutionResults r = EngineRuns.run(tmp, Map.of("weft.afterFailure", "continue"),
        selectClass(SubprocessTestCase.class));

    List<AsyncTestFailure> failures = EngineRuns.failures(r);
    assertThat(failures).isNotEmpty();
    for (AsyncTestFailure f : failures) {
      assertThat(f.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(f.getMessage()).doesNotContain("NOT REPRODUCED").contains("REAL_WORK");
      assertThat(f.shrunk().world()).as("the pieces of the child's output, recorded").isNotEmpty();
      SimResult<Object> shown = Simulation.run(f.shrunk(),
          () -> SubprocessTestCase.readyCheck(Weft.getRunningLoop()));
      assertThat(shown.value()).as("%s", f.shrunk()).asList().contains("ready before anyone watched");
      for (int i = 0; i < 5; i++) {
        SimResult<Object> again = Simulation.run(f.shrunk(),
            () -> SubprocessTestCase.readyCheck(Weft.getRunningLoop()));
        assertThat(again.value()).as("replay %d of %s", i, f.shrunk()).isEqualTo(shown.value());
        assertThat(again.traceHash()).as("replay %d of %s", i, f.shrunk()).isEqualTo(shown.traceHash());
      }
    }
  }
}
