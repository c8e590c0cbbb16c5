package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A run's choices as data ({@link SimResult#choices()}), and runs of a strategy without a schedule. */
class SimulationChoicesTests {

  private static final Pattern CHOICE_LINE = Pattern.compile(" choose ([A-Z]+) (\\d+) of (\\d+)");

  /** The trace's choice lines as "DECISION chosen/alternatives". */
  private static List<String> tracedChoices(Trace trace) {
    List<String> out = new ArrayList<>();
    for (String line : trace.render(0, Integer.MAX_VALUE)) {
      Matcher m = CHOICE_LINE.matcher(line);
      if (m.find()) {
        out.add(m.group(1) + " " + m.group(2) + "/" + m.group(3));
      }
    }
    return out;
  }

  @Nested
  class AsData {

    @Test
    void choices_areTheTracedOnes_inOrder_andTheirValuesAreTheReplay() {
      for (Schedule s : SimulationDeterminismTests.SCHEDULES) {
        SimResult<String> r = Simulation.run(s, SimPrograms::mixed);

        List<Choice> choices = r.choices();
        assertThat(choices).as("%s makes choices", s).isNotEmpty();
        assertThat(r.choiceCount()).isEqualTo(choices.size());
        assertThat(r.allChoicesListed()).isTrue();
        assertThat(choices.stream().map(c -> c.decision() + " " + c.chosen() + "/" + c.alternatives()).toList())
            .as("%s: the choices as data say what the trace says", s)
            .isEqualTo(tracedChoices(r.trace()));
        int[] chosen = choices.stream().mapToInt(Choice::chosen).toArray();
        assertThat(Schedule.fifo().replaying(chosen).choices()).as("%s", s).isEqualTo(r.replay().choices());
        assertThat(choices.stream().filter(Choice::deviates).count()).isEqualTo(r.replay().deviations());
      }
    }

    @Test
    void aReplay_listsTheSameChoices_asTheRunItReplays() {
      SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 11), SimPrograms::mixed);
      SimResult<String> again = Simulation.run(r.replay(), SimPrograms::mixed);

      assertThat(again.choices()).isEqualTo(r.choices());
    }

    @Test
    void fifo_listsEveryChoicePoint_withAlternativeZero() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimPrograms::mixed);

      assertThat(r.choices()).isNotEmpty().allSatisfy(c -> assertThat(c.chosen()).isZero());
      assertThat(r.replay().choices()).isEmpty();
    }

    @Test
    void aTimerChoice_namesTheTaskThatSetTheTimer_andItsVirtualTime() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.sleep(Duration.ofMillis(2));
        Weft.createTask(() -> {
          Weft.sleep(Duration.ofMillis(3));
          return null;
        }, "sleeper", null).await();
        return null;
      });

      List<Choice> late = r.choices().stream().filter(c -> c.decision() == Decision.LATE).toList();
      assertThat(late).extracting(Choice::taskName).containsExactly("main", "sleeper");
      Choice c = late.get(1);
      assertThat(c.alternatives()).isEqualTo(4);
      assertThat(c.task()).isPositive().isNotEqualTo(late.get(0).task());
      assertThat(c.virtualTime()).as("decided when the idle loop waits for it").isEqualTo(Duration.ofMillis(2));
      assertThat(c.toString()).isEqualTo("LATE 0 of 4 (task " + c.task() + " sleeper) at 0.002000s");
    }

    @Test
    void aFaultChoice_concernsNoTask() {
      SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> Simulation.current().chooseFault(
          new double[] {0.5, 0.5}, i -> "fault " + i));

      assertThat(r.choices()).containsExactly(new Choice(Decision.FAULT, 2, 0, -1, null, 0));
    }

    @Test
    void theRecordedChoices_areBounded_andTheRestAreCounted() {
      ChoiceLog log = new ChoiceLog();
      for (int i = 0; i < SimResult.RECORDED_CHOICES + 5; i++) {
        log.add(Decision.TIE, 2, i % 2, -1, i);
      }
      Trace trace = new Trace(10);
      SimResult<Void> r = new SimResult<>(Schedule.fifo(), Schedule.fifo(), trace, 0, Duration.ZERO, null, null,
          List.of(), null, log.view(trace), log.count());

      assertThat(r.choices()).hasSize(SimResult.RECORDED_CHOICES);
      assertThat(r.choiceCount()).isEqualTo(SimResult.RECORDED_CHOICES + 5);
      assertThat(r.allChoicesListed()).isFalse();
      assertThat(r.choices().get(SimResult.RECORDED_CHOICES - 1).virtualNanos())
          .isEqualTo(SimResult.RECORDED_CHOICES - 1);
    }

    @Test
    void badChoicesAndCounts_areRejectedWithTheValues() {
      assertThatThrownBy(() -> new Choice(Decision.TIE, 2, 2, -1, null, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 of 2");
      assertThatThrownBy(() -> new SimResult<>(Schedule.fifo(), Schedule.fifo(), new Trace(1), 0, Duration.ZERO, null,
          null, List.of(), null, List.of(new Choice(Decision.TIE, 2, 1, -1, null, 0)), 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }

    @Test
    void aResultMadeWithoutChoices_listsNone() {
      SimResult<Void> r = new SimResult<>(Schedule.fifo(), Schedule.fifo(), new Trace(1), 0, Duration.ZERO, null,
          null);

      assertThat(r.choices()).isEmpty();
      assertThat(r.choiceCount()).isZero();
    }
  }

  @Nested
  class StrategyWithoutSchedule {

    /** Takes the last alternative everywhere. */
    private static final class Last implements SchedulingStrategy {
      @Override
      public int choose(ChoicePoint point) {
        return point.alternatives() - 1;
      }

      @Override
      public String name() {
        return "LAST";
      }
    }

    private static List<Integer> ties() {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        Weft.getRunningLoop().callLater(Duration.ofMillis(5), () -> order.add(n));
      }
      Weft.sleep(Duration.ofMillis(10));
      return order;
    }

    @Test
    void aCustomStrategy_runsWithoutASchedule_andTheResultNamesItsReplay() {
      SimResult<List<Integer>> r = Simulation.run(new Last(), StrategyWithoutSchedule::ties);

      assertThat(r.value()).as("ties taken last first").containsExactly(2, 1, 0);
      assertThat(r.schedule()).isEqualTo(r.replay());
      assertThat(r.replay().strategy()).isEqualTo("REPLAY");
      assertThat(r.replay().mode()).isEqualTo(Mode.FAITHFUL);
      assertThat(r.choices()).extracting(Choice::chosen).contains(2, 1);
      SimResult<List<Integer>> again = Simulation.run(r.replay(), StrategyWithoutSchedule::ties);
      assertThat(again.value()).containsExactly(2, 1, 0);
      assertThat(again.traceHash()).isEqualTo(r.traceHash());
    }

    @Test
    void theStrategyMustNotBeNull() {
      assertThatThrownBy(() -> Simulation.run((SchedulingStrategy) null, () -> null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("strategy");
    }
  }
}
