package io.weft.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C under {@code Weft.run} and {@link io.weft.Runner}, as asyncio's runner handles it (spec RUN-05, CPython's
 * {@code test_runners.py} interrupt tests): each test starts {@link CtrlCMain} in a child JVM, sends it SIGINT with
 * {@code kill -INT} when it says "ready", and checks what it printed and how it exited. The test JVM itself is never
 * sent SIGINT.
 */
@Timeout(120)
class CtrlCTests {

  /** A child JVM playing one scene of {@link CtrlCMain}. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    final StringBuffer err = new StringBuffer();

    Child(String scene) throws IOException {
      this(scene, false);
    }

    /** Starts the child; with {@code sigintIgnored}, through a shell that ignores SIGINT, as nohup and {@code &} do. */
    Child(String scene, boolean sigintIgnored) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "-XX:TieredStopAtLevel=1", "-cp", cp, CtrlCMain.class.getName(), scene));
      if (sigintIgnored) {
        cmd.addAll(0, List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\""));
      }
      process = new ProcessBuilder(cmd).start();
      Thread.ofPlatform().daemon(true).start(() -> pump(new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8)), true));
      Thread.ofPlatform().daemon(true).start(() -> pump(new BufferedReader(new InputStreamReader(
          process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    private void pump(BufferedReader in, boolean out) {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          if (out) {
            all.add(line);
            lines.add(line);
          } else {
            err.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // the child ended
      }
    }

    /** Waits for the child to print {@code expected}, skipping other lines. */
    void await(String expected) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (expected.equals(line)) {
          return;
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
      throw new AssertionError("the child never printed '" + expected + "'; it printed " + all + ", stderr: " + err);
    }

    void sigint() throws Exception {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
      assertThat(kill.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child ended; it printed %s", all).isTrue();
      // let the pumps reach the end of the streams
      for (int i = 0; i < 100 && !(all.contains("JVM shutdown hook ran")); i++) {
        Thread.sleep(20);
      }
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** A child inherits an ignored SIGINT (a build started with nohup or in the background): then it cannot be tested. */
  @BeforeAll
  static void sigintIsNotIgnoredHere() {
    // Swapped out with SIG_DFL, never SIG_IGN: the JVM does not put its INT handler back over an ignored SIGINT.
    Signal sig = new Signal("INT");
    SignalHandler current = Signal.handle(sig, SignalHandler.SIG_DFL);
    Signal.handle(sig, current);
    assumeTrue(current != SignalHandler.SIG_IGN, "SIGINT is ignored in this JVM, so children would ignore it too");
  }

  @Test
  void ctrlC_whileMainAwaitsAFuture_cancelsMainAndTheFuture_runsFinally_andRaisesKeyboardInterrupt() throws Exception {
    try (Child c = new Child("wait")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isEqualTo(130);
      assertThat(c.all).containsSubsequence("main cancelled, its future cancelled: true", "finally ran",
          "KeyboardInterrupt", "SIGINT restored: true");
      assertThat(c.all).doesNotContain("run returned");
    }
  }

  @Test
  void ctrlC_uncaughtKeyboardInterrupt_endsTheProgramWithStatus1_andItsStackTrace() throws Exception {
    try (Child c = new Child("uncaught")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isEqualTo(1);
      assertThat(c.all).containsSubsequence("main cancelled, its future cancelled: true", "finally ran");
      assertThat(c.err.toString()).contains("io.weft.KeyboardInterrupt");
    }
  }

  @Test
  void secondCtrlC_whileMainStillRuns_raisesKeyboardInterrupt() throws Exception {
    try (Child c = new Child("stubborn")) {
      c.await("ready");
      c.sigint();
      c.await("swallowed the first");
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isEqualTo(130);
      assertThat(c.all).containsSubsequence("swallowed the first", "finally ran", "KeyboardInterrupt");
    }
  }

  @Test
  void afterWeftRun_sigintHasTheJvmsDefaultAgain_exiting130AfterTheShutdownHooks() throws Exception {
    try (Child c = new Child("afterRun")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isEqualTo(130);
      assertThat(c.all).contains("JVM shutdown hook ran").doesNotContain("still alive");
    }
  }

  @Test
  void anApplicationsOwnSigintHandler_isLeftAlone_andMainIsNotCancelled() throws Exception {
    try (Child c = new Child("appHandler")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isZero();
      assertThat(c.all).containsSubsequence("main saw the application's handler run, and was not cancelled",
          "application's handler kept: true");
    }
  }

  @Test
  void anIntHandlerAddedByMain_replacesTheRunners_andTheLoopsCloseGivesSigintBackToTheJvm() throws Exception {
    try (Child c = new Child("loopHandler")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isZero();
      assertThat(c.all).containsSubsequence("main's own INT handler ran", "SIGINT restored: true");
    }
  }

  @Test
  void aRunnerOnAnotherThread_leavesSigintToTheJvm() throws Exception {
    try (Child c = new Child("otherThread")) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isEqualTo(130);
      assertThat(c.all).contains("JVM shutdown hook ran").doesNotContain("worker ended");
    }
  }

  @Test
  void whenSigintIsIgnored_theRunnerLeavesItIgnored_andAHandlerForItIsRefused() throws Exception {
    try (Child c = new Child("ignored", true)) {
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isZero();
      assertThat(c.all).containsSubsequence("SIGINT cannot be handled: this process started with it ignored (nohup,"
          + " or a background job of a shell), and the JVM then leaves it ignored", "main was not cancelled",
          "run returned");
    }
  }

  @Test
  void aRunner_takesCtrlCInEachRun_andRestoresTheDefaultAfterEach() throws Exception {
    try (Child c = new Child("runnerTwice")) {
      c.await("ready");
      c.sigint();
      c.await("KeyboardInterrupt 1");
      c.await("ready");
      c.sigint();
      assertThat(c.exitCode()).isZero();
      assertThat(c.all).containsSubsequence("KeyboardInterrupt 1", "KeyboardInterrupt 2", "SIGINT restored: true");
    }
  }
}
