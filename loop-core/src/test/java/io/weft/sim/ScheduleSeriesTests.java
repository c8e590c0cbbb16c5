package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScheduleSeriesTests {

  private static List<String> strategies(ScheduleSeries series, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(series.schedule(i).strategy());
    }
    return out;
  }

  @Nested
  class Horizon {

    @Test
    void beforeAnyRun_pctHasTheDefaultHorizon_andAfterwardsTheMostStepsObserved() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT3", 5);
      assertThat(series.schedule(0).strategy()).isEqualTo("PCT3");
      series.observe(57);
      series.observe(12);
      assertThat(series.horizon()).isEqualTo(57);
      assertThat(series.schedule(1).strategy()).isEqualTo("PCT3_57");
      series.observe(80);
      assertThat(series.schedule(1).strategy()).isEqualTo("PCT3_80");
    }

    @Test
    void aRunsStepCount_isWhatIsObserved() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT2", 5);
      SimResult<String> r = Simulation.run(series.schedule(0), SimPrograms::mixed);
      series.observe(r);
      assertThat(series.horizon()).isEqualTo(r.steps()).isPositive();
    }

    @Test
    void pct1_andOtherStrategies_neverNameAHorizon() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT1", 5);
      series.observe(40);
      assertThat(series.schedule(3).strategy()).isEqualTo("PCT1");
      ScheduleSeries random = ScheduleSeries.of(Mode.FAITHFUL, "RANDOM", 5);
      random.observe(40);
      assertThat(random.schedule(3).strategy()).isEqualTo("RANDOM");
    }

    @Test
    void aNamedHorizon_isKept() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT3_9", 5);
      series.observe(40);
      assertThat(series.schedule(3).strategy()).isEqualTo("PCT3_9");
    }

    @Test
    void theSameSchedule_givesTheSameRun_whateverTheSeriesLearnedSince() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT3", 5);
      series.observe(54);
      Schedule s = series.schedule(7);
      SimResult<String> a = Simulation.run(s, SimPrograms::mixed);
      series.observe(500);
      SimResult<String> b = Simulation.run(Schedule.parse(s.toString()), SimPrograms::mixed);
      assertThat(b.traceHash()).isEqualTo(a.traceHash());
      assertThat(b.replay()).isEqualTo(a.replay());
    }

    @Test
    void seeds_areDerivedFromTheIndex() {
      ScheduleSeries series = new ScheduleSeries(Mode.CHAOS, "POS", 16, 2000, 0);
      assertThat(series.schedule(3)).isEqualTo(Schedule.of(Mode.CHAOS, "POS", SimRandom.derive(16, 3))
          .withBounds(2000, 0));
    }
  }

  @Nested
  class Deepening {

    @Test
    void depths_walkPassesOfIncreasingDepth_thenRepeatTheDeepestPass() {
      List<Integer> d = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        d.add(ScheduleSeries.deepeningDepth(i));
      }
      assertThat(d).containsExactly(1, 1, 2, 1, 2, 3, 1, 2, 3, 4);
      assertThat(ScheduleSeries.deepeningDepth(54)).isEqualTo(10); // the end of the pass 1..10
      assertThat(ScheduleSeries.deepeningDepth(55)).isEqualTo(1);
      assertThat(ScheduleSeries.deepeningDepth(64)).isEqualTo(10);
      assertThat(ScheduleSeries.deepeningDepth(65)).isEqualTo(1);
    }

    @Test
    void pct_namesTheDepthAndTheHorizonOfEachSchedule() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT", 5);
      series.observe(33);
      assertThat(strategies(series, 6)).containsExactly("PCT1", "PCT1", "PCT2_33", "PCT1", "PCT2_33", "PCT3_33");
    }
  }

  @Nested
  class Portfolio {

    @Test
    void schedules_takeRandomPctWithDeepeningAndPosInTurn() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PORTFOLIO", 5);
      series.observe(20);
      assertThat(strategies(series, 9)).containsExactly("RANDOM", "PCT1", "POS", "RANDOM", "PCT1", "POS", "RANDOM",
          "PCT2_20", "POS");
    }

    @Test
    void eachSchedule_replaysAlone_fromItsPrintedForm() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PORTFOLIO", 5);
      for (int i = 0; i < 12; i++) {
        Schedule s = series.schedule(i);
        SimResult<String> r = Simulation.run(s, SimPrograms::mixed);
        series.observe(r);
        SimResult<String> again = Simulation.run(Schedule.parse(s.toString()), SimPrograms::mixed);
        assertThat(again.traceHash()).as("%s", s).isEqualTo(r.traceHash());
      }
    }
  }

  @Nested
  class Names {

    @Test
    void seriesNames_areNotScheduleNames() {
      ScheduleSeries.checkStrategy("PORTFOLIO");
      ScheduleSeries.checkStrategy("PCT");
      ScheduleSeries.checkStrategy("PCT3_57");
      assertThatThrownBy(() -> Schedule.of(Mode.FAITHFUL, "PORTFOLIO", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PORTFOLIO'")
          .hasMessageContaining("ScheduleSeries");
      assertThatThrownBy(() -> Schedule.of(Mode.FAITHFUL, "PCT", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PCT'");
    }

    @Test
    void badNames_namesTheValueAndTheAcceptedOnes() {
      assertThatThrownBy(() -> ScheduleSeries.of(Mode.FAITHFUL, "DFS", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'DFS'")
          .hasMessageContaining("PORTFOLIO").hasMessageContaining("PCT<depth 1-99>");
      assertThatThrownBy(() -> Schedule.of(Mode.FAITHFUL, "PCT3_0", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PCT3_0'");
      assertThatThrownBy(() -> Schedule.of(Mode.FAITHFUL, "PCT3_2147483648", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PCT3_2147483648'");
      assertThat(Schedule.parse("weft:1:FAITHFUL:PCT3_57:a:0:0").strategy()).isEqualTo("PCT3_57");
    }

    @Test
    void badObservationsAndIndexes_areRejected() {
      ScheduleSeries series = ScheduleSeries.of(Mode.FAITHFUL, "PCT3", 5);
      assertThatThrownBy(() -> series.observe(-1)).hasMessageContaining("-1");
      assertThatThrownBy(() -> series.schedule(-2)).hasMessageContaining("-2");
    }
  }
}
