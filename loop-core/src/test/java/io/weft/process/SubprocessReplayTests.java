package io.weft.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child's output enters a simulated loop in pieces whose source and size the run records, so a replay delivers the
 * same bytes in the same pieces and order whatever the OS and the pipe threads did: the OS splits a child's writes
 * differently from run to run, and a stdin flush, the child's answer on stdout and its stderr come from different
 * threads.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessReplayTests {

  /**
   * Five round trips with a shell child that answers each line in two writes a moment apart, on stdout and stderr,
   * while a ticker sleeps on virtual time; the log names every piece read with {@code read(100)}, whose size is the
   * size of the piece the loop was handed.
   */
  static String chat() throws Exception {
    List<String> log = new ArrayList<>();
    Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().allPiped(),
        "while read x; do printf \"got-$x\"; sleep 0.002; echo ' ok'; echo \"e$x\" >&2; done");
    Task<Void> ticker = EventLoop.getRunningLoop().createTask(() -> {
      for (int i = 0; i < 6; i++) {
        Weft.sleep(Duration.ofMillis(1));
        log.add("tick");
      }
      return null;
    });
    Task<Void> errors = EventLoop.getRunningLoop().createTask(() -> {
      byte[] line;
      while ((line = p.stderr().readLine()).length > 0) {
        log.add("err " + new String(line, UTF_8).trim());
      }
      return null;
    });
    for (int i = 0; i < 5; i++) {
      log.add("answer " + ask(p, i, log));
    }
    p.stdin().close();
    int rc = p.waitFor();
    errors.await();
    ticker.await();
    log.add("rc " + rc);
    return String.join(",", log);
  }

  @Test
  void aChattyChild_replaysExactly_piecesFlushesAndStderrIncluded() {
    Set<String> runs = new HashSet<>();
    for (long seed = 1; seed <= 4; seed++) {
      Schedule schedule = seed == 1 ? Schedule.fifo() : Schedule.of(Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> r = Simulation.run(schedule, SubprocessReplayTests::chat);
      assertThat(r.passed()).as("%s: %s", schedule, r.failure()).isTrue();
      assertThat(r.value()).as("%s", schedule).contains("answer got-4 ok", "err e4", "rc 0");
      assertThat(r.replay().world()).as("the pieces taken, as (child, value) pairs").isNotEmpty()
          .satisfies(w -> assertThat(w.length % 2).isZero());
      assertThat(r.replay().toString()).as("the replay line carries them after the choices")
          .matches("weft:1:FAITHFUL:REPLAY:[0-9a-f]+:\\d+:\\d+:[0-9a-z._]*:1[._][0-9a-z._]+");
      for (int again = 0; again < 3; again++) {
        SimResult<String> replay = Simulation.run(r.replay(), SubprocessReplayTests::chat);
        assertThat(replay.passed()).as("replay %d of %s: %s", again, schedule, replay.failure()).isTrue();
        assertThat(replay.value()).as("replay %d of %s", again, schedule).isEqualTo(r.value());
        assertThat(replay.traceHash()).as("replay %d of %s", again, schedule).isEqualTo(r.traceHash());
        assertThat(replay.replay()).as("replay %d of %s records the same choices", again, schedule)
            .isEqualTo(r.replay());
      }
      runs.add(r.value());
    }
    assertThat(runs).isNotEmpty();
  }

  @Test
  void aShrunkSchedule_keepsThePieces_andOneWithoutThem_takesWhatIsThere_andItsOwnReplayIsExact() {
    SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 7), SubprocessReplayTests::chat);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    // What a shrinker tries first: no choices at all; the observations stay, so the child's pieces are the same.
    SimResult<String> noChoices = Simulation.run(r.replay().replaying(new int[0]), SubprocessReplayTests::chat);
    assertThat(noChoices.passed()).as("%s", noChoices.failure()).isTrue();
    assertThat(noChoices.replay().world()).isEqualTo(r.replay().world());
    assertThat(noChoices.replay().choices()).isEmpty();
    // Without the observations, every piece is taken afresh.
    SimResult<String> bare = Simulation.run(r.replay().replaying(new int[0], new int[0]),
        SubprocessReplayTests::chat);
    assertThat(bare.passed()).as("%s", bare.failure()).isTrue();
    assertThat(bare.value()).contains("answer got-4 ok", "rc 0");
    SimResult<String> again = Simulation.run(bare.replay(), SubprocessReplayTests::chat);
    assertThat(again.passed()).as("%s", again.failure()).isTrue();
    assertThat(again.value()).isEqualTo(bare.value());
    assertThat(again.traceHash()).isEqualTo(bare.traceHash());
  }

  /**
   * Sends line {@code i} to the child and reads its answer up to {@code "ok\n"} with {@code read(100)}, logging the
   * size of each piece read; returns the answer.
   */
  private static String ask(Process p, int i, List<String> log) throws Exception {
    p.stdin().write((i + "\n").getBytes(UTF_8));
    p.stdin().drain();
    log.add("drained " + i);
    StringBuilder got = new StringBuilder();
    while (!got.toString().endsWith("ok\n")) {
      byte[] piece = p.stdout().read(100);
      got.append(new String(piece, UTF_8));
      log.add("piece " + piece.length);
    }
    return got.toString().trim();
  }

  /** The child of {@link #chat} without its pause: each answer is written at once, in three writes. */
  static String quickChat() throws Exception {
    List<String> log = new ArrayList<>();
    Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().allPiped(),
        "while read x; do printf \"got-$x\"; echo ' ok'; echo \"e$x\" >&2; done");
    for (int i = 0; i < 4; i++) {
      ask(p, i, log);
      log.add("err " + new String(p.stderr().readLine(), UTF_8).trim());
    }
    p.stdin().close();
    log.add("rc " + p.waitFor());
    return String.join(",", log);
  }

  @Test
  void twoRunsOfOneSchedule_takeAChildThatAnswersAtOnce_inTheSamePieces() {
    // The feed settles for a grace period before a live take; a generous one keeps a loaded machine's pauses inside it.
    SimOptions options = SimOptions.DEFAULTS.withQuietGrace(Duration.ofMillis(100));
    SimResult<String> first = Simulation.run(Schedule.fifo(), options, SubprocessReplayTests::quickChat);
    assertThat(first.passed()).as("%s", first.failure()).isTrue();
    assertThat(first.value()).as("each answer taken whole").contains("drained 3,piece 9,err e3");
    for (int i = 0; i < 2; i++) {
      SimResult<String> again = Simulation.run(Schedule.fifo(), options, SubprocessReplayTests::quickChat);
      assertThat(again.passed()).as("%s", again.failure()).isTrue();
      assertThat(again.value()).isEqualTo(first.value());
      assertThat(again.traceHash()).as("run %d of FIFO", i + 2).isEqualTo(first.traceHash());
    }
  }

  private static final AtomicReference<String> WORD = new AtomicReference<>();

  static String echoWord() throws Exception {
    Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdout(Stdio.PIPE), "echo", WORD.get());
    byte[] all = p.stdout().read(-1);
    p.waitFor();
    return new String(all, UTF_8).trim();
  }

  @Test
  void aReplayOfAChildThatNowSaysLess_failsAsNondeterminism_namingThePipe_withoutWaitingForTheWatchdog() {
    WORD.set("a-long-word");
    SimResult<String> r = Simulation.run(Schedule.fifo(), SubprocessReplayTests::echoWord);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("a-long-word");
    WORD.set("short");
    long t0 = System.nanoTime();
    SimResult<String> replay = Simulation.run(r.replay(), SubprocessReplayTests::echoWord);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(replay.passed()).isFalse();
    assertThat(replay.failure().kind()).isEqualTo(SimFailure.Kind.NONDETERMINISM);
    assertThat(replay.failure().getMessage())
        .contains("12 B", "stdout", "ended holding 6", "did not do what it did in the recorded run");
    assertThat(tookMs).as("no wait for the 60 s watchdog").isLessThan(30_000);
  }

  @Test
  void aProgramWithoutChildren_recordsNoObservation() {
    AsyncCallable<Integer> none = () -> {
      Weft.sleep(Duration.ofMillis(5));
      return 1;
    };
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), none);
    assertThat(r.replay().world()).isEmpty();
    assertThat(r.replay().toString()).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000");
  }
}
