package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Shrinking to the least deviations through @AsyncTest, and what the report says of minimality. */
class MinimalShrinkingTests {

  @TempDir
  Path tmp;

  private List<AsyncTestFailure> failures(DiscoverySelector selector, String... keyValues) {
    EngineExecutionResults r = EngineRuns.run(tmp, Map.of("weft.afterFailure", "continue"), selector, keyValues);
    return EngineRuns.failures(r);
  }

  @Test
  void aMissedWakeup_needingAMovedDeviation_shrinksToOne_provenMinimal() {
    List<AsyncTestFailure> failures = failures(selectClass(MissedWakeupTestCase.class));

    assertThat(failures).isNotEmpty();
    assertThat(failures).as("the random schedules deviate more than once").allSatisfy(f ->
        assertThat(f.original().deviations()).isGreaterThan(1));
    for (AsyncTestFailure f : failures) {
      assertThat(f.getMessage()).startsWith("@AsyncTest MissedWakeupTestCase.wakeupIsNotLost failed:"
          + " DEADLOCK");
      assertThat(f.shrunk().deviations()).as("%s", f.shrunk()).isEqualTo(1);
      assertThat(f.getMessage()).contains("minimality: proven minimal: no schedule with fewer deviations fails this"
          + " way (asyncio's own order does not)\n");
    }
    assertThat(failures).extracting(f -> java.util.Arrays.toString(f.shrunk().choices()))
        .as("every seed finds the one EARLY deviation at asyncio's 9th choice point (the iteration after the clear)")
        .containsOnly("[0, 0, 0, 0, 0, 0, 0, 0, 1]");
  }

  @Test
  void twoNeededDeviations_areProvenMinimal_byRunningEveryOneDeviationSchedule() {
    List<AsyncTestFailure> failures = failures(selectClass(TwoRacesTestCase.class));

    assertThat(failures).isNotEmpty();
    for (AsyncTestFailure f : failures) {
      assertThat(f.shrunk().deviations()).isEqualTo(2);
      assertThat(f.getMessage()).containsPattern("minimality: proven minimal: no schedule with fewer deviations fails"
          + " this way \\(asyncio's own order does not, and all \\d+ one-deviation schedules were run\\)\n");
    }
  }

  @Test
  void aProofBudgetTooSmall_saysLocallyMinimal_andWhatWasNotSearched() {
    List<AsyncTestFailure> failures = failures(selectClass(TwoRacesTestCase.class), "weft.shrinkProofBudget", "1");

    assertThat(failures).isNotEmpty();
    for (AsyncTestFailure f : failures) {
      assertThat(f.shrunk().deviations()).isEqualTo(2);
      assertThat(f.getMessage()).doesNotContain("proven minimal")
          .containsPattern("minimality: locally minimal: no deletion, zeroing, lowering, shift or swap of its choices"
              + " that was tried fails with fewer deviations; the \\d+ one-deviation schedules were not all run: more"
              + " than the proof budget of 1 runs\n");
    }
  }

  @Test
  void aFailureUnderAsyncioOrder_isProvenMinimal_andItsReplayLineEndsWithoutAnEmptyChoiceField() {
    List<AsyncTestFailure> failures = failures(selectClass(FifoFailingTestCase.class));

    assertThat(failures).isNotEmpty();
    for (AsyncTestFailure f : failures) {
      assertThat(f.shrunk().deviations()).isZero();
      assertThat(f.getMessage()).contains("minimality: proven minimal: it fails under asyncio's own order (no"
          + " deviation)\n");
      assertThat(f.replayProperty()).matches("-Dweft\\.replay=weft:1:FAITHFUL:REPLAY:[0-9a-f]+:1000000:1000000");
      assertThat(f.replayAnnotation()).endsWith(":1000000:1000000\")");
    }
  }

  @Test
  void aBadProofBudget_failsNamingTheParameterAndTheValue() {
    EngineExecutionResults r = EngineRuns.run(tmp, Map.of("weft.afterFailure", "stop"),
        selectClass(TwoRacesTestCase.class), "weft.shrinkProofBudget", "lots");

    assertThat(r.testEvents().failed().stream().map(e -> String.valueOf(e.getPayload(
        org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())).toList())
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m).contains("weft.shrinkProofBudget must be an integer >= 0").contains("'lots'"));
  }
}
