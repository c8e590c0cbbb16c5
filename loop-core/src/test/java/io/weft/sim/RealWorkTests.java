package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Real work is delivered at points the simulation chooses, so runs with real threads replay exactly. */
class RealWorkTests {

  /** The first RANDOM seed under which the cross-thread fixture fails, within {@code limit} seeds; -1 if none. */
  static long firstFailingSeed(int limit) {
    for (long seed = 0; seed < limit; seed++) {
      if (!Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), RealWorkPrograms::configLoad).passed()) {
        return seed;
      }
    }
    return -1;
  }

  @Nested
  class CrossThreadFixture {

    @Test
    void fifo_deliversTheResultWhenTheLoopFallsIdle_soTheFixturePasses() {
      for (int i = 0; i < 10; i++) {
        SimResult<List<String>> r = Simulation.run(Schedule.fifo(), RealWorkPrograms::configLoad);
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("listening", "loaded", "config-v2");
      }
    }

    @Test
    void itsFailure_replaysFromItsReplayLine_100of100() {
      long seed = firstFailingSeed(40);
      assertThat(seed).as("some RANDOM seed delivers the result before the listener").isNotNegative();
      SimResult<List<String>> found = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed),
          RealWorkPrograms::configLoad);
      assertThat(found.failure().getMessage()).contains("the config was loaded before anyone listened");
      Schedule replay = Schedule.parse(found.replay().toString());
      for (int i = 0; i < 100; i++) {
        SimResult<List<String>> again = Simulation.run(replay, RealWorkPrograms::configLoad);
        assertThat(again.failure()).as("replay %d of %s", i, replay).isNotNull();
        assertThat(again.failure().getMessage()).isEqualTo(found.failure().getMessage());
        assertThat(again.traceHash()).as("replay %d", i).isEqualTo(found.traceHash());
        assertThat(again.replayMismatch()).isNull();
      }
    }

    @Test
    void selfCheck_isClean_20of20() {
      for (long seed = 0; seed < 20; seed++) {
        SimResult<List<String>> r = Simulation.selfCheck(Schedule.of(Mode.FAITHFUL, "RANDOM", seed),
            SimOptions.DEFAULTS, RealWorkPrograms::configLoad);
        if (r.failure() != null) {
          assertThat(r.failure().kind()).as("seed %d: %s", seed, r.failure()).isEqualTo(SimFailure.Kind.TEST_FAILED);
        }
      }
    }

    @Test
    void theDeliveryWhileBusy_isADeviationInWords_andAnEventOfTheTrace() {
      long seed = firstFailingSeed(40);
      SimResult<List<String>> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed),
          RealWorkPrograms::configLoad);
      assertThat(r.deviations()).anyMatch(s -> s.matches("at 0\\.000000 s \\(virtual\\) the next message of real"
          + " work #1 \\(load the config\\) entered the loop while it was busy, in the same iteration as .*, instead"
          + " of once the loop fell idle \\(REAL_WORK\\)"));
      assertThat(String.join("\n", r.trace().render(0, 10_000))).contains("real work #1 delivers a message")
          .contains("choose REAL_WORK");
    }
  }

  @Nested
  class SeveralWorks {

    @Test
    void fifo_deliversTheOldestWorkFirst_whateverTheThreadsTiming() {
      for (int i = 0; i < 3; i++) {
        SimResult<String> r = Simulation.run(Schedule.fifo(), RealWorkPrograms::twoWorkers);
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("slow@6 quick@6");
      }
    }

    @Test
    void eachSchedule_deliversInTheSameOrderEveryRun_andSeedsDiffer() {
      Set<String> orders = new HashSet<>();
      for (long seed = 0; seed < 12; seed++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
        SimResult<String> first = Simulation.run(s, RealWorkPrograms::twoWorkers);
        assertThat(first.failure()).as("%s", s).isNull();
        for (int i = 0; i < 2; i++) {
          SimResult<String> again = Simulation.run(s, RealWorkPrograms::twoWorkers);
          assertThat(again.value()).as("%s run %d", s, i + 2).isEqualTo(first.value());
          assertThat(again.traceHash()).as("%s run %d", s, i + 2).isEqualTo(first.traceHash());
        }
        orders.add(first.value().replaceAll("@\\d+", ""));
      }
      assertThat(orders).as("the strategy decides the order, not the threads").contains("slow quick", "quick slow");
    }

    @Test
    void theWorks_areOwnersMinus2AndMinus3_inCreationOrder() {
      List<long[]> owners = new CopyOnWriteArrayList<>();
      SchedulingStrategy last = new SchedulingStrategy() {
        @Override
        public int choose(ChoicePoint point) {
          if (point.decision() == Decision.REAL_WORK) {
            long[] o = new long[point.alternatives()];
            for (int i = 0; i < o.length; i++) {
              o[i] = point.owner(i);
            }
            owners.add(o);
          }
          return point.alternatives() - 1;
        }

        @Override
        public String name() {
          return "LAST";
        }
      };
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS, last, RealWorkPrograms::twoWorkers);
      assertThat(r.failure()).isNull();
      assertThat(r.value()).startsWith("quick@"); // the last alternative: the newer work first
      assertThat(owners).isNotEmpty();
      assertThat(owners.get(0)).as("while busy: the busy task's step, then the works").containsExactly(2, -2, -3);
    }
  }

  @Nested
  class ChaosMode {

    @Test
    void aWorksQueuedMessage_isOwnedByTheWork_inTheReadyBatchChoices() {
      List<Long> readyOwners = new CopyOnWriteArrayList<>();
      SchedulingStrategy last = new SchedulingStrategy() {
        @Override
        public int choose(ChoicePoint point) {
          if (point.decision() == Decision.READY) {
            for (int i = 0; i < point.alternatives(); i++) {
              readyOwners.add(point.owner(i));
            }
          }
          return point.alternatives() - 1;
        }

        @Override
        public String name() {
          return "LAST";
        }
      };
      SimResult<String> r = Simulation.run(Schedule.of(Mode.CHAOS, "FIFO", 0), SimOptions.DEFAULTS, last,
          RealWorkPrograms::twoWorkers);
      assertThat(r.failure()).isNull();
      assertThat(readyOwners).as("the quick work's result, delivered into a busy batch").contains(-3L);
    }
  }

  @Nested
  class Messages {

    @Test
    void progressMessages_enterInOrder_andEachRunOfASeedIsTheSame() {
      for (long seed = 0; seed < 6; seed++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
        SimResult<String> first = Simulation.run(s, Messages::progress);
        assertThat(first.failure()).as("%s", s).isNull();
        assertThat(first.value().replaceAll("\\b\\d ", "")).as("the work's messages, in the order sent")
            .isEqualTo("10% 50% 90% done");
        SimResult<String> again = Simulation.run(s, Messages::progress);
        assertThat(again.traceHash()).as("%s", s).isEqualTo(first.traceHash());
        assertThat(again.value()).isEqualTo(first.value());
      }
    }

    static String progress() {
      EventLoop loop = Weft.getRunningLoop();
      StringBuilder seen = new StringBuilder();
      Future<Void> done = loop.createFuture();
      EventLoop.RealWork work = loop.beginRealWork("a download");
      Thread.ofPlatform().start(() -> {
        for (String p : List.of("10%", "50%", "90%")) {
          RealWorkPrograms.pause(1);
          work.callSoon(() -> seen.append(p).append(' '));
        }
        work.complete(() -> {
          seen.append("done");
          done.setResult(null);
        });
      });
      for (int i = 0; i < 3; i++) {
        seen.append(i).append(' ');
        Weft.sleep(Duration.ZERO);
      }
      done.await();
      return seen.toString();
    }

    @Test
    void aRoundTrip_letsVirtualTimeMove_whileTheThreadWaitsForTheLoop() {
      for (Schedule s : List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 3))) {
        SimResult<String> r = Simulation.run(s, () -> {
          EventLoop loop = Weft.getRunningLoop();
          Future<String> answer = loop.createFuture();
          EventLoop.RealWork work = loop.beginRealWork("a thread that asks the loop");
          Thread.ofPlatform().start(() -> {
            String got;
            try {
              got = "asked: " + work.callOnLoop(() -> Weft.sleep(Duration.ofSeconds(2), 40)).get();
            } catch (Exception e) {
              got = "failed: " + e;
            }
            String g = got;
            work.complete(() -> answer.setResult(g));
          });
          String got = answer.await();
          assertThat(loop.time()).as("the task's 2 s sleep ran while the thread waited").isGreaterThanOrEqualTo(2.0);
          return got;
        });
        assertThat(r.failure()).as("%s", s).isNull();
        assertThat(r.value()).isEqualTo("asked: 40");
      }
    }

    /** The task closes the work after its result: once the thread has ended, nothing more is waited for. */
    static String closedByTheTask(boolean throughTheWork) {
      EventLoop loop = Weft.getRunningLoop();
      Future<String> result = loop.createFuture();
      EventLoop.RealWork work = loop.beginRealWork("closed by the task");
      Thread.ofPlatform().start(() -> {
        if (throughTheWork) {
          work.callSoon(() -> result.setResult("v"));
        } else {
          loop.callSoonThreadsafe(() -> result.setResult("v")); // not the work's: enters whenever it arrives
        }
      });
      String v = result.await();
      for (int i = 0; i < 3; i++) {
        Weft.sleep(Duration.ZERO); // busy iterations while the work is still open
      }
      work.close();
      return v;
    }

    @Test
    void aWorkTheTaskClosesAfterItsThreadEnded_isNotWaitedFor_andReplays() {
      SimOptions options = SimOptions.DEFAULTS.withWatchdog(Duration.ofSeconds(5));
      for (long seed = 0; seed < 8; seed++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
        SimResult<String> first = Simulation.run(s, options, () -> closedByTheTask(true));
        assertThat(first.failure()).as("%s", s).isNull();
        assertThat(first.value()).isEqualTo("v");
        assertThat(Simulation.run(s, options, () -> closedByTheTask(true)).traceHash()).as("%s", s)
            .isEqualTo(first.traceHash());
      }
    }

    @Test
    void aCallbackThatIsNotTheWorks_isNeverWaitedForUntilTheWatchdog() {
      SimOptions options = SimOptions.DEFAULTS.withWatchdog(Duration.ofSeconds(5));
      for (long seed = 0; seed < 8; seed++) {
        SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), options,
            () -> closedByTheTask(false));
        assertThat(r.failure()).as("seed %d", seed).isNull();
        assertThat(r.value()).isEqualTo("v");
      }
    }

    @Test
    void aRoundTripFromTheLoop_isRefused() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
        EventLoop.RealWork work = Weft.getRunningLoop().beginRealWork("misused");
        try {
          work.callOnLoop(() -> 1);
          return "accepted";
        } catch (IllegalStateException e) {
          return e.getMessage();
        } finally {
          work.close();
        }
      });
      assertThat(r.value()).startsWith("callOnLoop is for the work's own thread");
    }
  }

  @Nested
  class Watchdog {

    @Test
    void aWorkThatNeverReports_failsAsWatchdog_namingTheWork() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withWatchdog(Duration.ofMillis(200)),
          () -> {
            EventLoop loop = Weft.getRunningLoop();
            loop.beginRealWork("a reply that never comes"); // declared, and no thread ever sends anything
            loop.<Void>createFuture().await();
            return null;
          });
      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.WATCHDOG);
      assertThat(r.failure().getMessage()).contains("1 real work item(s) in flight sent nothing back")
          .contains("the loop was waiting for the next message of real work #1 (a reply that never comes)");
      assertThat(r.virtualTime()).isZero();
    }
  }

  @Nested
  class WithoutRealWork {

    @Test
    void aRunWithoutRealWork_makesNoRealWorkChoice() {
      SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 7), SimPrograms::mixed);
      assertThat(r.trace().render(0, 100_000)).noneMatch(e -> e.contains("REAL_WORK") || e.contains("real work"));
    }
  }

  @Nested
  class ProductionLoop {

    @Test
    void theWorksMessages_areThreadSafeCallbacks_andARoundTripRunsATask() {
      String got = Weft.run(() -> {
        EventLoop loop = Weft.getRunningLoop();
        Future<String> result = loop.createFuture();
        EventLoop.RealWork work = loop.beginRealWork("on a real loop");
        StringBuilder progress = new StringBuilder();
        Thread.ofPlatform().start(() -> {
          try {
            int n = work.callOnLoop(() -> Weft.sleep(Duration.ofMillis(5), 20)).get();
            work.callSoon(() -> progress.append("halfway"));
            work.complete(() -> result.setResult(progress + ", got " + n * 2));
          } catch (Exception e) {
            work.complete(() -> result.setException(e));
          }
        });
        String r = result.await();
        assertThat(loop.realWorkInFlight()).isZero();
        return r;
      });
      assertThat(got).isEqualTo("halfway, got 40");
    }
  }

  @Nested
  class SecondJvm {

    @Test
    void theTwoWorkersProgram_hasTheSameHashesInASecondJvm() throws IOException, InterruptedException {
      List<Schedule> schedules = List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 5),
          Schedule.of(Mode.FAITHFUL, "POS", 5));
      String java = ProcessHandle.current().info().command().orElseThrow();
      List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
          System.getProperty("java.class.path"), SimHashMain.class.getName()));
      List<String> expected = new ArrayList<>();
      for (Schedule s : schedules) {
        cmd.add(SimHashMain.TWO_WORKERS + s);
        expected.add(Simulation.run(s, RealWorkPrograms::twoWorkers).trace().hashHex());
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      assertThat(text.strip().lines().toList()).as(text).isEqualTo(expected);
    }
  }
}
