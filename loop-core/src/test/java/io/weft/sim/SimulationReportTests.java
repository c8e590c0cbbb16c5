package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.fixture.Payday;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a simulated run's reports say: task and timer names, the trace around the failure, deviations in words. */
class SimulationReportTests {

  /** The failing schedule of Payday: asyncio's order but for one slow iteration (EARLY) at the first choice. */
  private static final Schedule ONE_EARLY = Schedule.fifo().replaying(new int[] {1});

  @Nested
  class TaskNames {

    @Test
    void unnamedTask_onASimulatedLoop_isNamedAfterItsCreationSite_andANamedOneKeepsItsName() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), Payday::names);

      assertThat(r.failure()).isNull();
      assertThat(r.value()).matches("worker\\|Task-3 \\(Payday\\.names:\\d+\\)");
    }

    @Test
    void unnamedTask_onAProductionLoop_keepsAsynciosName() {
      try (io.weft.EventLoop loop = io.weft.EventLoop.builder().debug(false).build()) {
        assertThat(loop.runUntilComplete(Payday::names)).isEqualTo("worker|Task-3");
      }
    }

    @Test
    void unnamedTask_inDebugMode_isNamedAfterItsCreationSite() {
      try (io.weft.EventLoop loop = io.weft.EventLoop.builder().debug(true).build()) {
        assertThat(loop.runUntilComplete(Payday::names)).matches("worker\\|Task-3 \\(Payday\\.names:\\d+\\)");
      }
    }

    @Test
    void unnamedTask_createdByWeftsOwnCode_keepsAsynciosName() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), () -> Weft.createTask(() -> "x").getName());
      // This test class is in io.weft.sim, one of Weft's runtime packages: no frame of user code to name it after.
      assertThat(r.value()).isEqualTo("Task-2");
    }

    @Test
    void trace_showsTaskStepsWithTheirCreationSites() {
      SimResult<Void> r = Simulation.run(ONE_EARLY, Payday::run);

      assertThat(r.trace().render(0, r.trace().keptCount()))
          .anyMatch(l -> l.matches("\\d+ step Task-2 \\(Payday\\.run:\\d+\\)"))
          .anyMatch(l -> l.matches("\\d+ step main \\(#1\\)"));
    }
  }

  @Nested
  class TimerSites {

    @Test
    void timerLeftSet_isReportedWithWhereUserCodeSetIt() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), Payday::forgetTimer);

      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.PENDING_CALLBACKS);
      assertThat(r.failure().getMessage()).containsPattern(
          "1 timer\\(s\\) still set .*<TimerHandle .*> set at Payday\\.forgetTimer\\(Payday\\.java:\\d+\\)");
    }

    @Test
    void trace_showsAUserTimerWithItsSite_andASleepTimerWithItsTask() {
      SimResult<Void> user = Simulation.run(Schedule.fifo(), Payday::runTimer);
      SimResult<Void> sleep = Simulation.run(ONE_EARLY, Payday::run);

      assertThat(user.trace().render(0, 1000))
          .anyMatch(l -> l.matches("\\d+ timer #\\d+ set at Payday\\.runTimer\\(Payday\\.java:\\d+\\)"));
      assertThat(sleep.trace().render(0, 1000))
          .anyMatch(l -> l.matches("\\d+ timer #\\d+ of Task-2 \\(Payday\\.run:\\d+\\)"));
    }
  }

  @Nested
  class Deviations {

    @Test
    void oneEarlyChoice_isDescribedInOneSentence_namingTheTimerAndTheStepItOvertook() {
      SimResult<Void> r = Simulation.run(ONE_EARLY, Payday::run);

      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(r.replay().deviations()).isEqualTo(1);
      assertThat(r.deviations()).hasSize(1);
      assertThat(r.deviations().get(0)).matches("at 0\\.000000 s \\(virtual\\) the loop's iteration took 0\\.200 ms"
          + " longer \\(EARLY\\), so the timer of Task-2 \\(Payday\\.run:\\d+\\) fell due early: it ran in the same"
          + " iteration as the next step of Task-3 \\(Payday\\.run:\\d+\\) \\(paused at Payday\\.transfer:\\d+\\),"
          + " before what that leads to");
    }

    @Test
    void externalOrder_isDescribed() {
      List<String> found = new java.util.ArrayList<>();
      for (long seed = 0; seed < 20; seed++) {
        found.addAll(Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> {
          io.weft.EventLoop loop = Weft.getRunningLoop();
          io.weft.EventLoop.RealWork work = loop.beginRealWork("two senders");
          java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
          int[] ran = {0};
          io.weft.Future<Void> done = loop.createFuture();
          // Callbacks that do not use the work are plain thread-safe callbacks, ordered by EXTERNAL choices.
          Runnable finish = () -> {
            work.close();
            done.setResult(null);
          };
          for (int i = 0; i < 2; i++) {
            Thread.ofPlatform().start(() -> {
              loop.callSoonThreadsafe(() -> {
                if (++ran[0] == 2) {
                  finish.run();
                }
              });
              sent.incrementAndGet();
            });
          }
          while (sent.get() < 2) {
            Thread.onSpinWait(); // both arrive before the loop next collects them: one EXTERNAL choice
          }
          done.await();
          return null;
        }).deviations());
      }
      assertThat(found).anyMatch(s -> s.matches("at 0\\.000000 s \\(virtual\\) 2 events from other threads or I/O"
          + " were waiting to be queued \\(EXTERNAL\\): a callback \\(SimulationReportTests\\$Deviations\\) was"
          + " queued before a callback \\(SimulationReportTests\\$Deviations\\), which arrived first"));
    }

    @Test
    void fifoRun_hasNoDeviations() {
      assertThat(Simulation.run(Schedule.fifo(), Payday::run).deviations()).isEmpty();
    }

    @Test
    void tieAndLate_areDescribed_andOnlyTheFirstOnesInFull() {
      List<String> found = new java.util.ArrayList<>();
      for (long seed = 0; seed < 30; seed++) {
        found.addAll(Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), SimPrograms::mixed).deviations());
      }
      assertThat(found).anyMatch(s -> s.contains("timers fell due together (TIE): the timer of "))
          .anyMatch(s -> s.matches("at .* s \\(virtual\\) the idle loop woke .* ms late \\(LATE\\) for .*"));

      SimResult<String> chaos = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", 3), SimPrograms::mixed);
      assertThat(chaos.deviations()).anyMatch(s -> s.contains("CHAOS mode: ") && s.contains("(READY)"));
      assertThat(chaos.deviations().size()).isLessThanOrEqualTo(SimResult.DESCRIBED_DEVIATIONS + 1);
      if (chaos.replay().deviations() > SimResult.DESCRIBED_DEVIATIONS) {
        assertThat(chaos.deviations().get(SimResult.DESCRIBED_DEVIATIONS)).startsWith("... and ");
      }
    }
  }

  @Nested
  class TraceAroundTheFailure {

    @Test
    void ring_keepsTheLastEvents_andSaysWhichItShows_whileTheHashCoversAll() {
      SimResult<String> all = Simulation.run(Schedule.fifo(), SimPrograms::mixed);
      SimResult<String> few = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withTraceLimit(10),
          SimPrograms::mixed);

      Trace t = few.trace();
      t.checkInvariants();
      all.trace().checkInvariants();
      assertThat(t.hash()).isEqualTo(all.trace().hash());
      assertThat(t.keptCount()).isEqualTo(10);
      assertThat(t.firstKept()).isEqualTo(t.eventCount() - 10);
      List<String> last = t.lastEvents(5);
      assertThat(last.get(0)).isEqualTo(String.format(java.util.Locale.ROOT,
          "events %,d-%,d of %,d; earlier ones dropped", t.eventCount() - 5, t.eventCount() - 1, t.eventCount())
          .replace("; earlier ones dropped", ""));
      assertThat(last.subList(1, 6)).isEqualTo(all.trace().render(t.eventCount() - 5, 5));
      assertThat(t.tail(100).get(0)).endsWith("; earlier ones dropped");
      assertThat(t.render(0, 3).get(0)).contains("dropped: the trace keeps the last 10");
    }

    @Test
    void tail_endsAtTheFailure_andTheCleanUpIsMarked() {
      SimResult<Void> r = Simulation.run(ONE_EARLY, () -> {
        Task<Void> sleeper = Weft.createTask(() -> {
          Weft.sleep(Duration.ofSeconds(1));
          return null;
        });
        Payday.run();
        return sleeper.await();
      });

      Trace t = r.trace();
      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      long f = t.failureIndex();
      assertThat(f).isPositive().isLessThan(t.eventCount());
      List<String> tail = t.tail(5);
      assertThat(tail).hasSize(6);
      assertThat(tail.get(0)).startsWith(String.format(java.util.Locale.ROOT, "events %,d-%,d of %,d; up to the"
          + " failure, recorded before event %,d (", f - 5, f - 1, t.eventCount(), f));
      assertThat(tail.get(5)).startsWith((f - 1) + " ");
      List<String> all = t.render(0, t.keptCount());
      assertThat(all.get((int) f)).isEqualTo(Trace.FAILURE_LINE);
      assertThat(all.get((int) f + 1)).startsWith(f + " ");
    }

    @Test
    void traceFile_saysHowManyEventsWhichAreKept_andWhereTheFailureWas(@TempDir Path dir) throws Exception {
      SimResult<Void> r = Simulation.run(ONE_EARLY, SimOptions.DEFAULTS.withTraceLimit(12), Payday::run);
      Path file = dir.resolve("x.trace");
      r.trace().write(file, "# header");

      List<String> lines = Files.readAllLines(file);
      assertThat(lines.get(0)).isEqualTo("# header");
      assertThat(lines.get(1)).startsWith("# trace hash " + r.trace().hashHex() + ", " + r.trace().eventCount()
          + " events; events ").contains("earlier ones dropped").contains("the failure was recorded before event");
    }
  }

  @Nested
  class ReplayMismatch {

    @Test
    void staleReplay_fromAnotherProgram_isReported() {
      SimResult<String> other = null;
      for (long seed = 0; other == null || other.replay().choices().length < 10; seed++) {
        other = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), SimPrograms::mixed);
      }
      Schedule stale = other.replay();
      SimResult<Void> r = Simulation.run(stale, Payday::run);

      assertThat(r.replayMismatch()).startsWith("the replayed schedule does not fit this test: ")
          .containsPattern("\\d+ of its " + stale.choices().length + " choices were never used");
    }

    @Test
    void choiceBeyondTheAlternatives_isReportedWithItsDecision() {
      SimResult<Void> r = Simulation.run(Schedule.fifo().replaying(new int[] {5}), Payday::run);

      assertThat(r.replayMismatch()).startsWith(
          "the replayed schedule does not fit this test: choice 1 of 1 is 5 but that decision (EARLY) had 2"
              + " alternatives");
    }

    @Test
    void runsOwnReplay_fitsIt() {
      SimResult<String> first = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", 7), SimPrograms::mixed);
      SimResult<String> again = Simulation.run(first.replay(), SimPrograms::mixed);

      assertThat(first.replayMismatch()).isNull();
      assertThat(again.replayMismatch()).isNull();
      assertThat(again.traceHash()).isEqualTo(first.traceHash());
    }
  }
}
