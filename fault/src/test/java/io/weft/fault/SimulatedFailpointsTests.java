package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.ChoicePoint;
import io.weft.sim.Decision;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SchedulingStrategy;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Failpoints in simulated programs: each action's effect, every evaluation a fault choice (none under FIFO, the
 * plan's odds under RANDOM), a failure they cause replays exactly and names them, and one is enough to reproduce it.
 */
class SimulatedFailpointsTests {

  /** User code with two failpoints. */
  static final class Store {
    int commits;
    int fills;

    void commit() throws IOException {
      Failpoints.eval("db.commit");
      commits++;
    }

    boolean fill() {
      if (Failpoints.returnEarly("cache.fill")) {
        return false;
      }
      fills++;
      return true;
    }
  }

  /** The line of {@code Failpoints.eval("db.commit")} in {@link Store#commit}, as reports name it. */
  static final String COMMIT_LINE = "SimulatedFailpointsTests.java:36";

  /** Applies {@code plan}, then commits {@code n} times, 1 ms apart; returns the store. */
  static Store commits(FaultPlan plan, int n) throws Exception {
    plan.applyTo(Simulation.current().network());
    Store s = new Store();
    for (int i = 0; i < n; i++) {
      s.commit();
      Weft.sleep(Duration.ofMillis(1));
    }
    return s;
  }

  static Schedule random(long seed) {
    return Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
  }

  /**
   * A strategy that takes asyncio's order (0) everywhere but at fault decisions, where it takes {@code fault}, and
   * records each fault decision's weights.
   */
  static final class FaultsOnly implements SchedulingStrategy {
    final int fault;
    final List<double[]> asked = new ArrayList<>();

    FaultsOnly(int fault) {
      this.fault = fault;
    }

    @Override
    public int choose(ChoicePoint point) {
      if (point.decision() != Decision.FAULT) {
        return 0;
      }
      double[] w = new double[point.alternatives()];
      for (int i = 0; i < w.length; i++) {
        w[i] = point.weight(i);
      }
      asked.add(w);
      return Math.min(fault, point.alternatives() - 1);
    }

    @Override
    public String name() {
      return "FAULTS_ONLY";
    }
  }

  static <T> SimResult<T> run(FaultsOnly strategy, io.weft.AsyncCallable<T> main) {
    return Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS, strategy, main);
  }

  @Nested
  class Actions {
    @Test
    void throw_throwsTheConfiguredCheckedException_fromTheCallersLine_andTheReportSaysSo() {
      FaultPlan plan = FaultPlan.parse("failpoint db.commit: 100% throw(java.io.IOException: disk full)");
      SimResult<Store> r = run(new FaultsOnly(1), () -> commits(plan, 3));
      assertThat(r.passed()).isFalse();
      assertThat(r.failure().getCause()).isExactlyInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(r.failure().getCause().getStackTrace())
          .anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("commit"));
      assertThat(r.deviations()).singleElement().asString().matches("at 0\\.000000 s \\(virtual\\)"
          + " failpoint db\\.commit threw java\\.io\\.IOException: disk full at " + COMMIT_LINE.replace(".", "\\.")
          + " \\(FAULT, alternative 1 of 2\\)");
    }

    @Test
    void delay_suspendsTheTask_forThatMuchVirtualTime() {
      FaultPlan plan = FaultPlan.parse("failpoint db.commit: 100% delay(10ms)");
      SimResult<Double> r = run(new FaultsOnly(1), () -> {
        plan.applyTo(Simulation.current().network());
        EventLoop loop = Simulation.current().loop();
        Store s = new Store();
        List<Integer> seen = new ArrayList<>();
        Future<Void> other = loop.createTask(() -> {
          for (int i = 0; i < 3; i++) {
            seen.add(s.commits); // runs while the committing task is suspended in the failpoint
            Weft.sleep(Duration.ofMillis(10));
          }
          return null;
        }, "observer", null);
        double start = loop.time();
        for (int i = 0; i < 5; i++) {
          s.commit();
        }
        other.await();
        assertThat(seen).as("the other task ran during the delays").containsExactly(0, 1, 2);
        return loop.time() - start;
      });
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      assertThat(r.value()).isCloseTo(0.050, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(r.deviations()).hasSize(5).allSatisfy(d -> assertThat(d)
          .contains("failpoint db.commit delayed the caller 10ms at " + COMMIT_LINE));
    }

    @Test
    void return_makesReturnEarlyTrue_andACountLimitsIt_afterWhichNothingIsAsked() {
      FaultPlan plan = FaultPlan.parse("failpoint cache.fill: 100% 2* return");
      FaultsOnly strategy = new FaultsOnly(1);
      SimResult<List<Boolean>> r = run(strategy, () -> {
        plan.applyTo(Simulation.current().network());
        Store s = new Store();
        List<Boolean> filled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          filled.add(s.fill());
        }
        return filled;
      });
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      assertThat(r.value()).containsExactly(false, false, true, true, true);
      assertThat(strategy.asked).as("two choices; the spent action asks nothing").hasSize(2);
      assertThat(r.deviations()).allSatisfy(d -> assertThat(d).contains("failpoint cache.fill returned early at"));
    }

    @Test
    void return_atAnEvalPoint_isAnError_namingThePointAndTheLine() {
      FaultPlan plan = FaultPlan.parse("failpoint db.commit: 100% return");
      SimResult<Store> r = run(new FaultsOnly(1), () -> commits(plan, 1));
      assertThat(r.failure().getCause()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failpoint db.commit fired return at " + COMMIT_LINE)
          .hasMessageContaining("Failpoints.returnEarly");
    }

    @Test
    void delay_inACallbackOutsideAnyTask_isAnError_sinceACallbackCannotTakeVirtualTime() {
      FaultPlan plan = FaultPlan.parse("failpoint db.commit: 100% delay(1ms)");
      SimResult<Throwable> r = run(new FaultsOnly(1), () -> {
        plan.applyTo(Simulation.current().network());
        EventLoop loop = Simulation.current().loop();
        Future<Throwable> caught = loop.createFuture();
        loop.callSoon(() -> {
          try {
            Failpoints.eval("db.commit");
            caught.setResult(null);
          } catch (IllegalStateException e) {
            caught.setResult(e);
          }
        });
        return caught.await();
      });
      assertThat(r.value()).isInstanceOf(IllegalStateException.class).hasMessageContaining("outside any task")
          .hasMessageContaining("failpoint db.commit fired delay(1ms)");
    }
  }

  @Nested
  class Choices {
    @Test
    void underFifo_noFailpointFires_yetEachEvaluationIsAChoice() {
      FaultPlan plan = FaultPlan.parse("failpoint db.commit: 50% throw(java.io.IOException), 50% delay(1s)");
      SimResult<Store> r = Simulation.run(Schedule.fifo(), () -> commits(plan, 100));
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      assertThat(r.value().commits).isEqualTo(100);
      assertThat(r.replay().deviations()).isZero();
      assertThat(r.deviations()).isEmpty();
      FaultsOnly none = new FaultsOnly(0);
      SimResult<Store> asked = run(none, () -> commits(plan, 100));
      assertThat(asked.value().commits).isEqualTo(100);
      assertThat(none.asked).as("one fault decision per evaluation: no fault, throw, delay").hasSize(100)
          .allSatisfy(w -> assertThat(w).containsExactly(0.0, 0.5, 0.5));
      assertThat(asked.traceHash()).as("FIFO takes the same path").isEqualTo(r.traceHash());
    }

    @Test
    void aPointThePlanDoesNotName_orNoPlan_asksNothing() {
      FaultsOnly strategy = new FaultsOnly(1);
      SimResult<Store> other = run(strategy,
          () -> commits(FaultPlan.parse("failpoint db.other: 100% throw(java.io.IOException)"), 20));
      assertThat(other.passed()).as("%s", other.failure()).isTrue();
      assertThat(strategy.asked).isEmpty();
      FaultsOnly noPlan = new FaultsOnly(1);
      SimResult<Store> none = run(noPlan, () -> commits(FaultPlan.NONE, 20));
      assertThat(noPlan.asked).isEmpty();
      assertThat(none.traceHash()).isEqualTo(other.traceHash());
      SimResult<Store> random = Simulation.run(random(1),
          () -> commits(FaultPlan.parse("failpoint db.other: 100% throw(java.io.IOException)"), 20));
      assertThat(random.traceHash())
          .isEqualTo(Simulation.run(random(1), () -> commits(FaultPlan.NONE, 20)).traceHash());
    }

    @Test
    void randomFiresEachAction_withThePlansOdds() {
      FaultPlan plan = FaultPlan.parse("failpoint cache.fill: 25% return, 10% delay(1ms)");
      SimResult<double[]> r = Simulation.run(random(5), () -> {
        plan.applyTo(Simulation.current().network());
        EventLoop loop = Simulation.current().loop();
        Store s = new Store();
        int returned = 0;
        double start = loop.time();
        for (int i = 0; i < 1_000; i++) {
          if (!s.fill()) {
            returned++;
          }
        }
        return new double[] {returned, Math.round((loop.time() - start) * 1000)};
      });
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      // 1,000 evaluations: 250 returns expected (sd 13.7), 100 delays (sd 9.5); the seed fixes them, bounds are 5 sd.
      assertThat(r.value()[0]).isBetween(182.0, 318.0);
      assertThat(r.value()[1]).as("delays of 1 ms").isBetween(53.0, 147.0);
      SimResult<double[]> pct = Simulation.run(Schedule.of(Mode.FAITHFUL, "PCT3", 5), () -> {
        plan.applyTo(Simulation.current().network());
        Store s = new Store();
        int returned = 0;
        for (int i = 0; i < 1_000; i++) {
          returned += s.fill() ? 0 : 1;
        }
        return new double[] {returned};
      });
      assertThat(pct.value()[0]).as("PCT draws failpoints by the plan's odds too").isBetween(182.0, 318.0);
    }
  }

  @Nested
  class Failures {
    FaultPlan plan = FaultPlan.parse("failpoint db.commit: 5% throw(java.io.IOException: disk full), 10% delay(3ms)");

    SimResult<Store> firstFailure(boolean severalDeviations) {
      for (long seed = 1; seed <= 60; seed++) {
        SimResult<Store> r = Simulation.run(random(seed), () -> commits(plan, 20));
        if (!r.passed() && (!severalDeviations || r.replay().deviations() > 1)) {
          return r;
        }
      }
      return null;
    }

    @Test
    void aFailureReplaysExactly_andItsDeviationsNameTheFailpoint() {
      SimResult<Store> failed = firstFailure(false);
      assertThat(failed).as("P(no throw in 20 commits) = 0.36 per seed: 60 seeds find one").isNotNull();
      assertThat(failed.failure().getCause()).isInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(failed.deviations()).anySatisfy(d -> assertThat(d).matches("at \\d+\\.\\d{6} s \\(virtual\\)"
          + " failpoint db\\.commit threw java\\.io\\.IOException: disk full at "
          + COMMIT_LINE.replace(".", "\\.") + " \\(FAULT, alternative 1 of 3\\)"));

      SimResult<Store> replay = Simulation.run(failed.replay(), () -> commits(plan, 20));
      assertThat(replay.passed()).isFalse();
      assertThat(replay.failure()).hasMessage(failed.failure().getMessage());
      assertThat(replay.traceHash()).isEqualTo(failed.traceHash());
      assertThat(replay.deviations()).isEqualTo(failed.deviations());
    }

    @Test
    void oneFaultIsEnough_keepingOnlyTheThrowsChoiceReproducesTheFailure() {
      SimResult<Store> failed = firstFailure(true);
      assertThat(failed).as("a failing run with delays before its throw").isNotNull();
      int[] choices = failed.replay().choices();
      int last = choices.length - 1;
      assertThat(choices[last]).as("the run ends at the throw").isEqualTo(1);
      int[] one = new int[choices.length];
      one[last] = choices[last];
      SimResult<Store> single = Simulation.run(failed.replay().replaying(one), () -> commits(plan, 20));
      assertThat(single.passed()).isFalse();
      assertThat(single.failure().getCause()).isInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(single.deviations()).singleElement().asString().contains("failpoint db.commit threw");
      assertThat(Arrays.stream(single.replay().choices()).filter(c -> c != 0).count()).isEqualTo(1);
    }
  }
}
