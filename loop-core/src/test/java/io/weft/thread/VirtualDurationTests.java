package io.weft.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Executor work that takes virtual time in a simulation: {@link SimOptions#executorWork} for every job, or a duration
 * given by the call; the completion enters no earlier than that long after the call, on virtual time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualDurationTests {

  private static String now() {
    return String.valueOf(EventLoop.getRunningLoop().time());
  }

  @Test
  void withoutADuration_executorWorkTakesNoVirtualTime() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> Weft.toThread(() -> "done") + " at " + now());
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("done at 0.0");
  }

  @Test
  void theSimulationsExecutorWork_makesEachJobTakeThatMuchVirtualTime() {
    SimOptions options = SimOptions.DEFAULTS.withExecutorWork(Duration.ofMillis(250));
    SimResult<String> r = Simulation.run(Schedule.fifo(), options, () -> {
      Weft.sleep(Duration.ofSeconds(1));
      String a = Weft.toThread(() -> "a") + "@" + now();
      String b = Threads.runInExecutor(null, () -> "b").await() + "@" + now();
      return a + " " + b;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("a@1.25 b@1.5");
    assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void aDurationGivenByTheCall_overridesTheSimulations() {
    SimOptions options = SimOptions.DEFAULTS.withExecutorWork(Duration.ofSeconds(10));
    SimResult<String> r = Simulation.run(Schedule.fifo(), options, () -> {
      String a = Threads.toThread(Duration.ofSeconds(2), () -> "a") + "@" + now();
      String b = Threads.toThread(Duration.ZERO, () -> "b") + "@" + now();
      String c = Threads.toThread(() -> "c") + "@" + now();
      return a + " " + b + " " + c;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("a@2.0 b@2.0 c@12.0");
  }

  /**
   * Two jobs of 3 s and 1 s started together, and a task ticking every second meanwhile; returns the order of
   * everything with its virtual time.
   */
  static String jobsAndTicks() throws Exception {
    List<String> log = new ArrayList<>();
    Future<String> slow = Threads.runInExecutor(null, () -> "slow", Duration.ofSeconds(3));
    Future<String> fast = Threads.runInExecutor(null, () -> {
      Thread.sleep(20); // real time: it does not decide anything
      return "fast";
    }, Duration.ofSeconds(1));
    slow.addDoneCallback(f -> log.add(f.result() + "@" + now()));
    fast.addDoneCallback(f -> log.add(f.result() + "@" + now()));
    io.weft.Task<Void> ticker = Weft.createTask(() -> {
      for (int i = 0; i < 4; i++) {
        Weft.sleep(Duration.ofMillis(750));
        log.add("tick@" + now());
      }
      return null;
    });
    Weft.gather(slow, fast, ticker).await();
    return String.join(" ", log);
  }

  @Test
  void jobsThatTakeVirtualTime_completeInVirtualTimeOrder_whileOtherTasksRun() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), VirtualDurationTests::jobsAndTicks);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("tick@0.75 fast@1.0 tick@1.5 tick@2.25 slow@3.0 tick@3.0");
  }

  @Test
  void theSameScheduleGivesTheSameTrace_andVirtualTimeMovesByTheDuration_underEverySeed() {
    Set<Long> hashes = new HashSet<>();
    for (long seed = 1; seed <= 6; seed++) {
      Schedule schedule = Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> first = Simulation.run(schedule, VirtualDurationTests::jobsAndTicks);
      SimResult<String> second = Simulation.run(schedule, VirtualDurationTests::jobsAndTicks);
      SimResult<String> replay = Simulation.run(first.replay(), VirtualDurationTests::jobsAndTicks);
      assertThat(first.passed()).as("%s", first.failure()).isTrue();
      assertThat(second.traceHash()).as("seed %d run twice", seed).isEqualTo(first.traceHash());
      assertThat(replay.traceHash()).as("seed %d replayed", seed).isEqualTo(first.traceHash());
      assertThat(second.value()).isEqualTo(first.value());
      assertThat(timeOf(first.value(), "fast")).as("seed %d", seed).isGreaterThanOrEqualTo(1.0);
      assertThat(timeOf(first.value(), "slow")).as("seed %d", seed).isGreaterThanOrEqualTo(3.0);
      assertThat(first.virtualTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      hashes.add(first.traceHash());
    }
    assertThat(hashes).isNotEmpty();
  }

  private static double timeOf(String log, String label) {
    for (String entry : log.split(" ")) {
      if (entry.startsWith(label + "@")) {
        return Double.parseDouble(entry.substring(label.length() + 1));
      }
    }
    throw new AssertionError("no " + label + " in " + log);
  }

  @Test
  void aTimeoutShorterThanTheJob_firesFirst_inEveryRun() {
    // Without a duration the job's result would always enter before any timer (virtual time holds for real work).
    io.weft.AsyncCallable<String> program = () -> {
      Future<String> job = Threads.runInExecutor(null, () -> "slow query", Duration.ofSeconds(2));
      try {
        return Weft.waitFor(job, Duration.ofSeconds(1));
      } catch (io.weft.TimeoutError e) {
        return "timed out at " + now() + ", job cancelled " + job.isCancelled();
      }
    };
    SimResult<String> a = Simulation.run(Schedule.fifo(), program);
    SimResult<String> b = Simulation.run(Schedule.fifo(), program);
    assertThat(a.passed()).as("%s", a.failure()).isTrue();
    assertThat(a.value()).isEqualTo("timed out at 1.0, job cancelled true");
    assertThat(b.traceHash()).isEqualTo(a.traceHash());

    SimResult<String> fast = Simulation.run(Schedule.fifo(), () -> {
      Future<String> job = Threads.runInExecutor(null, () -> "fast query", Duration.ofMillis(500));
      return Weft.waitFor(job, Duration.ofSeconds(1)) + " at " + now();
    });
    assertThat(fast.passed()).as("%s", fast.failure()).isTrue();
    assertThat(fast.value()).isEqualTo("fast query at 0.5");
  }

  @Test
  void cancellingAJobThatTakesVirtualTime_leavesNoTimerSet() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      Future<String> job = Threads.runInExecutor(null, () -> "late", Duration.ofSeconds(5));
      Weft.sleep(Duration.ofSeconds(1)); // the job's result has entered; its completion waits for 5.0
      job.cancel();
      Weft.sleep(Duration.ofSeconds(1));
      return job.isCancelled() + "@" + now();
    });
    assertThat(r.passed()).as("a timer left set would fail the run: %s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("true@2.0");
  }

  @Test
  void onAProductionLoop_theDurationIsIgnored() {
    String r = Weft.run(() -> {
      double start = EventLoop.getRunningLoop().time();
      String v = Threads.toThread(Duration.ofHours(1), () -> "done");
      return v + (EventLoop.getRunningLoop().time() - start < 3600 ? " at once" : " after an hour");
    });
    assertThat(r).isEqualTo("done at once");
  }

  @Test
  void aNegativeDuration_isRefused_namingIt() {
    assertThatThrownBy(() -> Weft.run(() -> Threads.runInExecutor(null, () -> 1, Duration.ofSeconds(-1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("virtualDuration must be >= 0, got PT-1S");
    assertThatThrownBy(() -> SimOptions.DEFAULTS.withExecutorWork(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("executorWork must be >= 0");
  }
}
