package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationStrategyTests {

  static final List<String> STRATEGIES = List.of("FIFO", "RANDOM", "PCT1", "PCT3", "POS");

  @Nested
  class PerSeed {

    @Test
    void everyStrategy_isDeterministicPerSeed_inItsChoicesAndHash() {
      for (Mode mode : Mode.values()) {
        for (String strategy : STRATEGIES) {
          for (int seed = 0; seed < 4; seed++) {
            Schedule s = Schedule.of(mode, strategy, seed);
            SimResult<String> a = Simulation.run(s, SimPrograms::mixed);
            SimResult<String> b = Simulation.run(s, SimPrograms::mixed);
            assertThat(b.traceHash()).as("%s", s).isEqualTo(a.traceHash());
            assertThat(b.replay()).as("%s", s).isEqualTo(a.replay());
            assertThat(b.value()).isEqualTo(a.value());
          }
        }
      }
    }

    @Test
    void theProgramMakesRealChoices() {
      SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 1), SimPrograms::mixed);
      assertThat(r.replay().deviations()).isPositive();
      assertThat(r.trace().render(0, r.trace().keptCount())).anyMatch(l -> l.contains("choose TIE"))
          .anyMatch(l -> l.contains("choose EARLY")).anyMatch(l -> l.contains("choose LATE"));
    }
  }

  @Nested
  class Replay {

    @Test
    void replayOfARun_reproducesItsHash_forEveryStrategyAndMode() {
      for (Mode mode : Mode.values()) {
        for (String strategy : STRATEGIES) {
          for (int seed = 0; seed < 4; seed++) {
            Schedule s = Schedule.of(mode, strategy, seed);
            SimResult<String> r = Simulation.run(s, SimPrograms::mixed);
            assertThat(r.replay().strategy()).isEqualTo("REPLAY");
            assertThat(r.replay().mode()).isEqualTo(mode);
            SimResult<String> again = Simulation.run(r.replay(), SimPrograms::mixed);
            assertThat(again.traceHash()).as("%s", s).isEqualTo(r.traceHash());
            assertThat(again.value()).isEqualTo(r.value());
            SimResult<String> parsed = Simulation.run(Schedule.parse(r.replay().toString()), SimPrograms::mixed);
            assertThat(parsed.traceHash()).as("%s via text", s).isEqualTo(r.traceHash());
            assertThat(again.replay()).isEqualTo(r.replay());
          }
        }
      }
    }

    @Test
    void replayOfAFailingRun_reproducesTheFailure() {
      SimResult<Void> failing = null;
      for (int seed = 0; seed < 20 && (failing == null || failing.passed()); seed++) {
        failing = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", seed),
            SimulationOrderingTests.ChaosMode::fiveCallbacksInOrder);
      }
      assertThat(failing.passed()).isFalse();
      SimResult<Void> again = Simulation.run(failing.replay(), SimulationOrderingTests.ChaosMode::fiveCallbacksInOrder);
      assertThat(again.failure()).isNotNull();
      assertThat(again.failure().getMessage()).isEqualTo(failing.failure().getMessage());
      assertThat(again.traceHash()).isEqualTo(failing.traceHash());
    }
  }

  @Nested
  class Random {

    /** SplitMix64 from seed 42; pins the algorithm, so that a seed gives the same numbers in every JVM. */
    static final long[] SEED_42 = {0xbdd732262feb6e95L, 0x28efe333b266f103L, 0x47526757130f9f52L,
        0x581ce1ff0e4ae394L};

    @Test
    void seed42_givesThePinnedSequence() {
      SimRandom r = new SimRandom(42);
      assertThat(LongStream.generate(r::nextLong).limit(4).toArray()).containsExactly(SEED_42);
      SimRandom ints = new SimRandom(42);
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        out.add(ints.nextInt(10));
      }
      assertThat(out).containsExactly(7, 1, 2, 3, 0, 8);
    }

    @Test
    void seed0_matchesTheReferenceSplitMix64() {
      // The first output of Vigna's splitmix64.c from state 0.
      assertThat(new SimRandom(0).nextLong()).isEqualTo(0xe220a8397b1dcdafL);
    }

    @Test
    void nextInt_rejectsANonPositiveBound() {
      assertThatThrownBy(() -> new SimRandom(1).nextInt(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("got 0");
    }

    static List<Long> draws() {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        out.add(Simulation.current().random().nextLong());
        Weft.sleep(java.time.Duration.ZERO);
      }
      return out;
    }

    @Test
    void simulationRandom_isReproducibleAcrossRunsOfTheSameSeed_andDiffersBetweenSeeds() {
      Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", 42);
      List<Long> a = Simulation.run(s, Random::draws).orThrow();
      List<Long> b = Simulation.run(s, Random::draws).orThrow();
      assertThat(b).isEqualTo(a).doesNotHaveDuplicates();
      assertThat(Simulation.run(s.replaying(new int[0]), Random::draws).orThrow())
          .as("a replay keeps the seed, so the same numbers").isEqualTo(a);
      assertThat(Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 43), Random::draws).orThrow()).isNotEqualTo(a);
    }
  }

  @Nested
  class Current {

    @Test
    void current_describesTheRunningSimulation() {
      Schedule s = Schedule.of(Mode.CHAOS, "POS", 5);
      SimResult<Boolean> r = Simulation.run(s, () -> {
        Simulation sim = Simulation.current();
        return Simulation.isSimulated() && sim.schedule().equals(s) && sim.mode() == Mode.CHAOS
            && sim.loop() == Weft.getRunningLoop();
      });
      assertThat(r.orThrow()).isTrue();
    }

    @Test
    void outsideASimulation_currentThrows_andIsSimulatedIsFalse() {
      assertThat(Simulation.isSimulated()).isFalse();
      assertThatThrownBy(Simulation::current).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must be called from a simulated loop");
    }

    @Test
    void run_fromARunningLoop_isRejected() {
      SimResult<Throwable> r = Simulation.run(Schedule.fifo(),
          () -> org.assertj.core.api.Assertions.catchThrowable(() -> Simulation.run(Schedule.fifo(), () -> 1)));
      assertThat(r.orThrow()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot be called from a running loop");
    }
  }
}
