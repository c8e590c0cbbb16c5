package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationDeterminismTests {

  /**
   * The FIFO trace hash of {@link SimPrograms#mixed}. It pins the trace format, the hash, and the kernel's FIFO order:
   * if it changes, every schedule saved by a user stops reproducing its run, so change it only on purpose.
   */
  static final String MIXED_FIFO_HASH = "c3609c8755b08966";

  static final List<Schedule> SCHEDULES = List.of(
      Schedule.fifo(),
      Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
      Schedule.of(Mode.FAITHFUL, "PCT3", 7),
      Schedule.of(Mode.FAITHFUL, "POS", 7),
      Schedule.of(Mode.CHAOS, "RANDOM", 7));

  @Nested
  class SameSchedule {

    @Test
    void repeatedRuns_giveTheSameTraceHash_forEveryStrategyAndMode() {
      for (Schedule s : SCHEDULES) {
        SimResult<String> first = Simulation.run(s, SimPrograms::mixed);
        assertThat(first.passed()).as("%s: %s", s, first.failure()).isTrue();
        for (int i = 0; i < 2; i++) {
          SimResult<String> again = Simulation.run(s, SimPrograms::mixed);
          assertThat(again.traceHash()).as("%s", s).isEqualTo(first.traceHash());
          assertThat(again.value()).as("%s", s).isEqualTo(first.value());
          assertThat(again.steps()).isEqualTo(first.steps());
        }
      }
    }

    @Test
    void fifoHash_ofTheFixedProgram_isPinned() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimPrograms::mixed);
      assertThat(r.passed()).isTrue();
      assertThat(r.trace().hashHex()).isEqualTo(MIXED_FIFO_HASH);
    }

    @Test
    void secondJvm_givesTheSameHashes_forFifoRandomPctPosAndChaos() throws IOException, InterruptedException {
      String java = ProcessHandle.current().info().command().orElseThrow();
      List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
          System.getProperty("java.class.path"), SimHashMain.class.getName()));
      List<String> expected = new ArrayList<>();
      for (Schedule s : SCHEDULES) {
        cmd.add(s.toString());
        expected.add(Simulation.run(s, SimPrograms::mixed).trace().hashHex());
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      assertThat(text.strip().lines().toList()).as(text).isEqualTo(expected);
    }
  }

  @Nested
  class DifferentSeeds {

    @Test
    void randomSeeds_giveDifferentHashes_forAProgramWithRealChoices() {
      for (Mode mode : Mode.values()) {
        for (String strategy : List.of("RANDOM", "PCT3", "POS")) {
          Set<Long> hashes = new HashSet<>();
          for (int seed = 0; seed < 8; seed++) {
            hashes.add(Simulation.run(Schedule.of(mode, strategy, seed), SimPrograms::mixed).traceHash());
          }
          assertThat(hashes).as("%s %s", mode, strategy).hasSizeGreaterThan(1);
        }
      }
    }
  }

  @Nested
  class SelfCheck {

    @Test
    void selfCheck_passes_forADeterministicProgram() {
      for (Schedule s : SCHEDULES) {
        SimResult<String> r = Simulation.selfCheck(s, SimOptions.DEFAULTS, SimPrograms::mixed);
        assertThat(r.failure()).as("%s", s).isNull();
        assertThat(r.value()).isNotEmpty();
      }
    }

    /** Stands in for an identity hash or the wall clock: a value outside the loop that differs between runs. */
    static final AtomicInteger OUTSIDE = new AtomicInteger();

    static Void orderFromOutside() {
      boolean shortFirst = OUTSIDE.getAndIncrement() % 2 == 0;
      Duration first = shortFirst ? Duration.ofMillis(1) : Duration.ofMillis(2);
      Duration second = shortFirst ? Duration.ofMillis(2) : Duration.ofMillis(1);
      var a = Weft.createTask(() -> Weft.sleep(first, null));
      var b = Weft.createTask(() -> Weft.sleep(second, null));
      a.await();
      b.await();
      return null;
    }

    @Test
    void selfCheck_reportsNondeterminism_whenTheBodyDecidesAnOrderFromOutsideTheLoop() {
      SimResult<Void> r = Simulation.selfCheck(Schedule.fifo(), SimOptions.DEFAULTS, SelfCheck::orderFromOutside);
      assertThat(r.failure()).isNotNull();
      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.NONDETERMINISM);
      assertThat(r.failure().getMessage())
          .startsWith("NONDETERMINISM (found in FAITHFUL mode): schedule " + Schedule.fifo())
          .contains("they first differ at event");
    }
  }
}
