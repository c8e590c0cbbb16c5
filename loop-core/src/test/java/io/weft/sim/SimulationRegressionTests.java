package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Regressions for bugs found by review: each test failed before its fix. */
class SimulationRegressionTests {

  @Nested
  class ExternalEvents {

    /** One thread's callSoonThreadsafe calls arrive in its order in asyncio; faithful mode must keep it. */
    @Test
    void faithfulMode_keepsOneThreadsCallbacksInTheOrderItSentThem_underEverySeed() {
      for (long seed = 0; seed < 40; seed++) {
        SimResult<List<String>> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> {
          EventLoop loop = Weft.getRunningLoop();
          List<String> got = new ArrayList<>();
          Future<Void> all = loop.createFuture();
          EventLoop.RealWork work = loop.beginRealWork("one sender");
          Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 4; i++) {
              String m = "m" + i;
              loop.callSoonThreadsafe(() -> got.add(m));
            }
            loop.callSoonThreadsafe(() -> {
              work.close();
              all.setResult(null);
            });
          });
          all.await();
          return got;
        });
        assertThat(r.failure()).as("seed %d", seed).isNull();
        assertThat(r.value()).as("seed %d", seed).containsExactly("m0", "m1", "m2", "m3");
      }
    }
  }

  @Nested
  class ChaosMode {

    /** A failure in the middle of a permuted batch must leave the rest of the batch to the clean-up, not drop it. */
    @Test
    void aFailureMidBatch_leavesNoTaskUnfinished() {
      for (long seed = 0; seed < 20; seed++) {
        List<Task<?>> tasks = new CopyOnWriteArrayList<>();
        SimResult<Void> r = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", seed), () -> {
          for (int i = 0; i < 6; i++) {
            tasks.add(Weft.createTask(() -> Weft.sleep(Duration.ofSeconds(1), 1)));
          }
          Weft.getRunningLoop().callSoon(() -> {
            throw new IllegalStateException("boom");
          });
          for (Task<?> t : tasks) {
            t.await();
          }
          return null;
        });
        assertThat(r.failure().kind()).as("seed %d", seed).isEqualTo(SimFailure.Kind.CALLBACK_EXCEPTION);
        assertThat(tasks).as("seed %d: every task finished (by the clean-up's cancellation)", seed)
            .allSatisfy(t -> assertThat(t.isDone()).isTrue());
      }
    }
  }

  @Nested
  class RealWork {

    /** After a clock jump, the wait for real work must block (not spin), and its expiry names the real work. */
    @Test
    void realWorkThatNeverReports_failsWithTheRealWorkMessage_afterAClockJump() {
      SimOptions options = SimOptions.DEFAULTS.withWatchdog(Duration.ofMillis(300));
      SimResult<Void> r = Simulation.run(Schedule.fifo(), options, () -> {
        Weft.sleep(Duration.ofSeconds(5)); // a clock jump, which wakes the poller
        EventLoop loop = Weft.getRunningLoop();
        loop.beginRealWork("a call that never returns");
        loop.<Void>createFuture().await();
        return null;
      });
      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.WATCHDOG);
      assertThat(r.failure().getMessage()).contains("1 real work item(s) in flight sent nothing back")
          .contains("virtual time stood at 5.000000s");
    }
  }

  @Nested
  class Strategies {

    @Test
    void aCustomStrategy_makesTheChoices_andTheReplayReproducesIt() {
      SchedulingStrategy last = new SchedulingStrategy() {
        @Override
        public int choose(ChoicePoint point) {
          return point.alternatives() - 1;
        }

        @Override
        public String name() {
          return "LAST";
        }
      };
      SimResult<List<Integer>> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS, last, () -> {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          int n = i;
          Weft.getRunningLoop().callLater(Duration.ofMillis(5), () -> order.add(n));
        }
        Weft.sleep(Duration.ofMillis(10));
        return order;
      });
      assertThat(r.value()).as("ties taken last first").containsExactly(2, 1, 0);
      SimResult<List<Integer>> again = Simulation.run(r.replay(), () -> {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          int n = i;
          Weft.getRunningLoop().callLater(Duration.ofMillis(5), () -> order.add(n));
        }
        Weft.sleep(Duration.ofMillis(10));
        return order;
      });
      assertThat(again.value()).containsExactly(2, 1, 0);
      assertThat(again.traceHash()).isEqualTo(r.traceHash());
    }
  }
}
