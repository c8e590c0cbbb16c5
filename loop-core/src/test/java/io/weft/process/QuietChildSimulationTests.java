package io.weft.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.sim.Decision;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.thread.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child that waits for the program while the program waits for a virtual timer: the idle loop lets virtual time
 * move to the timer once the child stayed quiet for the grace period, as a recorded choice that a replay follows.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QuietChildSimulationTests {

  /** The program of the bug: sleep while {@code cat} waits for its stdin, then talk to it. */
  static String sleepThenTalk() throws Exception {
    EventLoop loop = EventLoop.getRunningLoop();
    double t0 = loop.time();
    Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE),
        "cat");
    Weft.sleep(Duration.ofSeconds(1));
    double slept = loop.time() - t0;
    p.stdin().write("hi\n".getBytes(UTF_8));
    byte[] line = p.stdout().readLine();
    p.stdin().close();
    int rc = p.waitFor();
    return new String(line, UTF_8).trim() + " rc=" + rc + " slept " + sleptOneSecond(slept) + ", no time after: "
        + (loop.time() - t0 == slept);
  }

  // A random schedule may fire a timer up to its late bound (1 ms by default) late; never early.
  private static String sleptOneSecond(double slept) {
    return slept >= 1.0 && slept <= 1.0011 ? "1s" : slept + "s";
  }

  /**
   * A child that waits for the program without its stdin: it says "ready", then waits for SIGUSR1, which the program
   * sends after a virtual second (not SIGTERM: the JDK's {@code destroy} closes the child's pipes). All its messages
   * come from its stdout and its exit, whose order is fixed, so the trace of a run is the schedule's alone and a
   * replay must give the same hash.
   */
  static String sleepThenSignal() throws Exception {
    EventLoop loop = EventLoop.getRunningLoop();
    double t0 = loop.time();
    Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().stdout(Stdio.PIPE),
        "trap 'echo got; exit 0' USR1; echo ready; while :; do sleep 0.05 >/dev/null; done");
    String ready = new String(p.stdout().readLine(), UTF_8).trim();
    Weft.sleep(Duration.ofSeconds(1));
    double slept = loop.time() - t0;
    p.sendSignal(10); // SIGUSR1 on Linux
    String got = new String(p.stdout().readLine(), UTF_8).trim();
    int rc = p.waitFor();
    return ready + " " + got + " rc=" + rc + " slept " + sleptOneSecond(slept) + ", no time after: "
        + (loop.time() - t0 == slept);
  }

  @Test
  void theProgramOfTheBug_passes_underFifoAndRandomSeeds_andEachReplaysExactly() {
    for (long seed = 0; seed <= 5; seed++) {
      Schedule schedule = seed == 0 ? Schedule.fifo() : Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> r = Simulation.run(schedule, QuietChildSimulationTests::sleepThenTalk);
      assertThat(r.passed()).as("%s: %s", schedule, r.failure()).isTrue();
      assertThat(r.value()).as("%s", schedule).isEqualTo("hi rc=0 slept 1s, no time after: true");
      assertThat(r.choices()).as("%s: the quiet child's wait is a recorded REAL_WORK choice: time moved (0)",
          schedule).anyMatch(c -> c.decision() == Decision.REAL_WORK && c.chosen() == 0);
      // The stdin flush and cat's answer to it come from two threads; the child's pieces are recorded, so a replay
      // takes them in the same order.
      SimResult<String> again = Simulation.run(r.replay(), QuietChildSimulationTests::sleepThenTalk);
      assertThat(again.passed()).as("replay of %s: %s", schedule, again.failure()).isTrue();
      assertThat(again.value()).as("replay of %s", schedule).isEqualTo(r.value());
      assertThat(again.traceHash()).as("replay of %s", schedule).isEqualTo(r.traceHash());
    }
  }

  @Test
  void aChildWaitingForTheProgram_letsVirtualTimePass_underFifoAndRandomSeeds_andEachReplaysExactly() {
    java.util.List<Schedule> schedules = new java.util.ArrayList<>(java.util.List.of(Schedule.fifo()));
    for (long seed = 1; seed <= 5; seed++) {
      schedules.add(Schedule.of(Mode.FAITHFUL, "RANDOM", seed));
    }
    for (Schedule schedule : schedules) {
      SimResult<String> r = Simulation.run(schedule, QuietChildSimulationTests::sleepThenSignal);
      assertThat(r.passed()).as("%s: %s", schedule, r.failure()).isTrue();
      assertThat(r.value()).as("%s", schedule).isEqualTo("ready got rc=0 slept 1s, no time after: true");
      SimResult<String> again = Simulation.run(r.replay(), QuietChildSimulationTests::sleepThenSignal);
      assertThat(again.passed()).as("replay of %s: %s", schedule, again.failure()).isTrue();
      assertThat(again.value()).as("replay of %s", schedule).isEqualTo(r.value());
      assertThat(again.traceHash()).as("replay of %s", schedule).isEqualTo(r.traceHash());
      assertThat(again.replayMismatch()).as("replay of %s", schedule).isNull();
    }
  }

  @Test
  void aReadThatTheChildNeverAnswers_timesOutOnVirtualTime_asUnderAsyncio() {
    AsyncCallable<String> program = () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE),
          "cat");
      String outcome;
      try {
        byte[] line = Weft.timeout(Duration.ofSeconds(3), t -> p.stdout().readLine());
        outcome = "read " + line.length;
      } catch (Exception e) {
        outcome = "timed out at " + loop.time();
      }
      p.stdin().close();
      return outcome + ", rc=" + p.waitFor();
    };
    SimResult<String> r = Simulation.run(Schedule.fifo(), program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("timed out at 3.0, rc=0");
    SimResult<String> again = Simulation.run(r.replay(), program);
    assertThat(again.value()).isEqualTo(r.value());
    assertThat(again.traceHash()).isEqualTo(r.traceHash());
  }

  @Test
  void aChildThatAnswersAtOnce_entersWithNoVirtualTimePassing() {
    AsyncCallable<String> program = () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Process echo = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdout(Stdio.PIPE), "echo", "hi");
      String a = new String(echo.stdout().readLine(), UTF_8).trim();
      echo.waitFor();
      Process cat = Subprocesses.createSubprocessExec(
          ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE), "cat");
      cat.stdin().write("there\n".getBytes(UTF_8));
      cat.stdin().close();
      String b = new String(cat.stdout().readLine(), UTF_8).trim();
      cat.waitFor();
      return a + " " + b + " at " + loop.time();
    };
    SimResult<String> r = Simulation.run(Schedule.fifo(), program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("hi there at 0.0");
    assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aChildThatAnswersWithinTheGrace_whileATimerIsSet_answersWithNoVirtualTimePassing() {
    AsyncCallable<String> program = () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().stdout(Stdio.PIPE),
          "sleep 0.2; echo late");
      byte[] line = Weft.timeout(Duration.ofSeconds(10), t -> p.stdout().readLine());
      double at = loop.time();
      p.waitFor();
      return new String(line, UTF_8).trim() + " at " + at;
    };
    // A grace far longer than the child needs, so the answer comes within it on any machine.
    SimResult<String> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withQuietGrace(Duration.ofSeconds(30)),
        program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("late at 0.0");
    assertThat(r.choices()).as("the observed choice delivered the child's message (1)")
        .anyMatch(c -> c.decision() == Decision.REAL_WORK && c.chosen() == 1);
  }

  @Test
  void aReplay_takesTheRecordedBranch_evenWhenTheChildNowAnswersAtOnce(@TempDir Path dir) {
    Path fast = dir.resolve("fast");
    // Slow (2 s of real time) in the first run, immediate in the replay once the file exists.
    String script = "if [ -e '" + fast + "' ]; then echo hi; else sleep 2; echo hi; fi";
    AsyncCallable<String> program = () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().stdout(Stdio.PIPE), script);
      String outcome;
      try {
        outcome = "read " + new String(Weft.timeout(Duration.ofSeconds(10), t -> p.stdout().readLine()), UTF_8).trim();
      } catch (Exception e) {
        outcome = "timed out at " + loop.time() + ", then " + new String(p.stdout().readLine(), UTF_8).trim();
      }
      return outcome + ", rc=" + p.waitFor();
    };
    SimResult<String> r = Simulation.run(Schedule.fifo(), program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("timed out at 10.0, then hi, rc=0");
    try {
      Files.createFile(fast);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // However long the replay would wait, it lets time move where the first run did.
    SimResult<String> again = Simulation.run(r.replay(), SimOptions.DEFAULTS.withQuietGrace(Duration.ofSeconds(30)),
        program);
    assertThat(again.passed()).as("replay: %s", again.failure()).isTrue();
    assertThat(again.value()).isEqualTo(r.value());
    assertThat(again.traceHash()).isEqualTo(r.traceHash());
    // Not replayed, the fast child now answers within the grace: no time passes.
    SimResult<String> fresh = Simulation.run(Schedule.fifo(),
        SimOptions.DEFAULTS.withQuietGrace(Duration.ofSeconds(30)), program);
    assertThat(fresh.value()).isEqualTo("read hi, rc=0");
  }

  @Test
  void executorWork_isNotQuiet_virtualTimeHoldsWhileItRuns_evenWithATimerSet() {
    AsyncCallable<String> program = () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      var timer = loop.callLater(Duration.ofSeconds(1), () -> {});
      String v = Threads.toThread(() -> {
        Thread.sleep(200); // far longer than the quiet grace: still waited for, as it never waits for the program
        return "done";
      });
      double at = loop.time();
      timer.cancel();
      return v + " at " + at;
    };
    SimResult<String> r = Simulation.run(Schedule.fifo(), program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("done at 0.0");
  }

  @Test
  void quietGrace_mustNotBeNegative() {
    assertThatThrownBy(() -> SimOptions.DEFAULTS.withQuietGrace(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quietGrace must be >= 0, got PT-0.001S");
    assertThat(SimOptions.DEFAULTS.quietGrace()).isEqualTo(SimOptions.DEFAULT_QUIET_GRACE);
  }

  /**
   * A child waits for its stdin while the program, with no timer set, awaits an executor job: the idle loop must not
   * wait for the child (older work) past the grace period when another work will speak.
   */
  static String catWhileAJobRuns() throws Exception {
    Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE),
        "cat");
    int answer = Threads.toThread(() -> {
      Thread.sleep(50);
      return 42;
    });
    p.stdin().write((answer + "\n").getBytes(UTF_8));
    byte[] line = p.stdout().readLine();
    p.stdin().close();
    return new String(line, UTF_8).trim() + " rc=" + p.waitFor();
  }

  @Test
  void aQuietChild_andAnExecutorJob_theIdleLoopWaitsForTheJob_notTheWatchdog() {
    SimOptions options = SimOptions.DEFAULTS.withWatchdog(Duration.ofSeconds(20));
    for (long seed = 0; seed <= 3; seed++) {
      Schedule schedule = seed == 0 ? Schedule.fifo() : Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> r = Simulation.run(schedule, options, QuietChildSimulationTests::catWhileAJobRuns);
      assertThat(r.passed()).as("%s: %s", schedule, r.failure()).isTrue();
      assertThat(r.value()).isEqualTo("42 rc=0");
      SimResult<String> again = Simulation.run(r.replay(), options, QuietChildSimulationTests::catWhileAJobRuns);
      assertThat(again.passed()).as("replay of %s: %s", schedule, again.failure()).isTrue();
      assertThat(again.traceHash()).as("replay of %s", schedule).isEqualTo(r.traceHash());
    }
  }

  /** Two children, no timer: {@code cat} (the older) waits for the line that {@code echo} (the younger) says. */
  static String relayBetweenChildren() throws Exception {
    Process cat = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE),
        "cat");
    Process echo = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdout(Stdio.PIPE), "echo", "relay");
    byte[] said = echo.stdout().readLine();
    cat.stdin().write(said);
    byte[] back = cat.stdout().readLine();
    cat.stdin().close();
    return new String(back, UTF_8).trim() + " rc=" + cat.waitFor() + "," + echo.waitFor();
  }

  @Test
  void twoChildren_theOlderWaitingForWhatTheYoungerSays_theIdleLoopHearsTheYounger_notTheWatchdog() {
    SimOptions options = SimOptions.DEFAULTS.withWatchdog(Duration.ofSeconds(20));
    for (long seed = 0; seed <= 3; seed++) {
      Schedule schedule = seed == 0 ? Schedule.fifo() : Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> r = Simulation.run(schedule, options, QuietChildSimulationTests::relayBetweenChildren);
      assertThat(r.passed()).as("%s: %s", schedule, r.failure()).isTrue();
      assertThat(r.value()).isEqualTo("relay rc=0,0");
      SimResult<String> again = Simulation.run(r.replay(), options, QuietChildSimulationTests::relayBetweenChildren);
      assertThat(again.passed()).as("replay of %s: %s", schedule, again.failure()).isTrue();
      assertThat(again.traceHash()).as("replay of %s", schedule).isEqualTo(r.traceHash());
    }
  }
}
