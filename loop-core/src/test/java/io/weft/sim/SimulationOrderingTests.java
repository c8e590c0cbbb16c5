package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationOrderingTests {

  static final List<String> STRATEGIES = List.of("RANDOM", "PCT3", "POS");
  static final int SEEDS = 30;

  /** Runs {@code program} in faithful mode under every exploring strategy and many seeds; each run must pass. */
  static <T> void everyFaithfulSchedule(Function<Schedule, io.weft.AsyncCallable<T>> program) {
    for (String strategy : STRATEGIES) {
      for (int seed = 0; seed < SEEDS; seed++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, strategy, seed);
        SimResult<T> r = Simulation.run(s, program.apply(s));
        assertThat(r.failure()).as("%s", s).isNull();
      }
    }
  }

  /** Tasks whose 1 ms timers fall due near busy iterations: they make EARLY, LATE and TIE choices all along. */
  static List<Task<Void>> noise() {
    List<Task<Void>> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      out.add(Weft.createTask(() -> {
        for (int k = 0; k < 4; k++) {
          Weft.sleep(Duration.ofNanos(1_000 + 300_000L * k));
          Weft.sleep(Duration.ZERO);
        }
        return null;
      }));
    }
    return out;
  }

  static void awaitAll(List<Task<Void>> tasks) {
    for (Task<Void> t : tasks) {
      t.await();
    }
  }

  @Nested
  class FaithfulModeKeepsAsyncioGuarantees {

    @Test
    void callbacksScheduledInOneIteration_runFirstInFirstOut() {
      everyFaithfulSchedule(s -> () -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Task<Void>> noise = noise();
        for (int round = 0; round < 5; round++) {
          List<Integer> ran = new ArrayList<>();
          Future<Void> last = loop.createFuture();
          for (int i = 0; i < 20; i++) {
            int n = i;
            loop.callSoon(() -> ran.add(n));
          }
          loop.callSoon(() -> last.setResult(null));
          last.await();
          assertThat(ran).as("%s", s).isSorted().hasSize(20);
          Weft.sleep(Duration.ofNanos(200_000));
        }
        awaitAll(noise);
        return null;
      });
    }

    @Test
    void sleepZero_givesUpExactlyOneIteration_relativeToCallSoonCallbacks() {
      everyFaithfulSchedule(s -> () -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Task<Void>> noise = noise();
        List<String> log = new ArrayList<>();
        Runnable[] chain = new Runnable[1];
        int[] c = {0};
        chain[0] = () -> {
          log.add("c" + c[0]++);
          if (c[0] < 6) {
            loop.callSoon(chain[0]);
          }
        };
        loop.callSoon(chain[0]);
        for (int t = 1; t <= 5; t++) {
          Weft.sleep(Duration.ZERO);
          log.add("t" + t);
        }
        assertThat(log).as("%s", s).containsExactly("c0", "t1", "c1", "t2", "c2", "t3", "c3", "t4", "c4", "t5");
        awaitAll(noise);
        return null;
      });
    }

    @Test
    void timersWithDistinctDeadlines_runInDeadlineOrder() {
      List<Integer> delays = new ArrayList<>();
      for (int i = 1; i <= 40; i++) {
        delays.add(i * 150_000); // 0.15 ms apart: several fall inside one late wake-up
      }
      Collections.shuffle(delays, new Random(1));
      everyFaithfulSchedule(s -> () -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Task<Void>> noise = noise();
        List<Integer> fired = new ArrayList<>();
        for (int d : delays) {
          loop.callLater(Duration.ofNanos(d), () -> fired.add(d));
        }
        Weft.sleep(Duration.ofMillis(10));
        assertThat(fired).as("%s", s).hasSize(40).isSorted();
        awaitAll(noise);
        return null;
      });
    }

    @Test
    void doneCallbacks_runInRegistrationOrder() {
      everyFaithfulSchedule(s -> () -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Task<Void>> noise = noise();
        Future<String> f = loop.createFuture();
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          int n = i;
          f.addDoneCallback(x -> ran.add(n));
        }
        loop.callLater(Duration.ofNanos(500_000), () -> f.setResult("x"));
        f.await();
        Weft.sleep(Duration.ZERO);
        assertThat(ran).as("%s", s).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        awaitAll(noise);
        return null;
      });
    }
  }

  @Nested
  class ChaosMode {

    static Void fiveCallbacksInOrder() {
      EventLoop loop = Weft.getRunningLoop();
      List<Integer> ran = new ArrayList<>();
      Future<Void> done = loop.createFuture();
      for (int i = 0; i < 5; i++) {
        int n = i;
        loop.callSoon(() -> {
          ran.add(n);
          if (ran.size() == 5) {
            done.setResult(null);
          }
        });
      }
      done.await();
      if (!ran.equals(List.of(0, 1, 2, 3, 4))) {
        throw new AssertionError("ran " + ran);
      }
      return null;
    }

    @Test
    void chaos_reordersAReadyBatch_forSomeSeed_andSaysChaosInTheFailure() {
      SimFailure found = null;
      for (int seed = 0; seed < 20 && found == null; seed++) {
        found = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", seed), ChaosMode::fiveCallbacksInOrder).failure();
      }
      assertThat(found).isNotNull();
      assertThat(found.kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(found.mode()).isEqualTo(Mode.CHAOS);
      assertThat(found.getMessage()).startsWith("TEST_FAILED (found in CHAOS mode): ").contains("ran [");
    }

    @Test
    void faithful_neverReordersTheSameBatch() {
      for (String strategy : STRATEGIES) {
        for (int seed = 0; seed < 20; seed++) {
          assertThat(Simulation.run(Schedule.of(Mode.FAITHFUL, strategy, seed), ChaosMode::fiveCallbacksInOrder)
              .failure()).isNull();
        }
      }
    }
  }

  @Nested
  class FaithfulModeExplores {

    static String tie() {
      EventLoop loop = Weft.getRunningLoop();
      StringBuilder log = new StringBuilder();
      loop.callLater(Duration.ofMillis(1), () -> log.append('a'));
      loop.callLater(Duration.ofMillis(1), () -> log.append('b'));
      Weft.sleep(Duration.ofMillis(5));
      return log.toString();
    }

    @Test
    void timersWithEqualDeadlines_runInBothOrders_acrossSeeds() {
      assertThat(Simulation.run(Schedule.fifo(), FaithfulModeExplores::tie).value()).isEqualTo("ab");
      Set<String> seen = new HashSet<>();
      for (int seed = 0; seed < 20; seed++) {
        seen.add(Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), FaithfulModeExplores::tie).orThrow());
      }
      assertThat(seen).containsExactlyInAnyOrder("ab", "ba");
    }

    /** Where, in a chain of 10 ready steps, a timer 1 microsecond away fires (10: after the chain). */
    static Integer earlyTimer() {
      EventLoop loop = Weft.getRunningLoop();
      int[] step = {0};
      int[] firedAt = {-1};
      loop.callLater(Duration.ofNanos(1_000), () -> firedAt[0] = step[0]);
      for (int i = 0; i < 10; i++) {
        Weft.sleep(Duration.ZERO);
        step[0]++;
      }
      Weft.sleep(Duration.ofMillis(1));
      return firedAt[0];
    }

    @Test
    void aNearTimer_firesInTheMiddleOfAChainOfReadySteps_forSomeSeed_butNeverUnderFifo() {
      assertThat(Simulation.run(Schedule.fifo(), FaithfulModeExplores::earlyTimer).value()).isEqualTo(10);
      Set<Integer> seen = new HashSet<>();
      for (String strategy : STRATEGIES) {
        for (int seed = 0; seed < 10; seed++) {
          seen.add(Simulation.run(Schedule.of(Mode.FAITHFUL, strategy, seed), FaithfulModeExplores::earlyTimer)
              .orThrow());
        }
      }
      assertThat(seen).anyMatch(at -> at < 10);
    }

    @Test
    void withTheEarlyBoundOff_theNearTimerWaitsForTheChain() {
      for (int seed = 0; seed < 10; seed++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", seed).withBounds(0, Schedule.DEFAULT_LATE_NANOS);
        assertThat(Simulation.run(s, FaithfulModeExplores::earlyTimer).value()).isEqualTo(10);
      }
    }
  }
}
