package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.signal.Signals;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Signals and Ctrl-C" code, compiled and run. */
class ReadmeSignalsTests {

  /**
   * The README's SIGTERM block, verbatim but for one added line, {@code handlerAdded.countDown()}, which tells the
   * test when SIGTERM may be sent: before then it would end this JVM.
   */
  static String readmeGracefulStop(CountDownLatch handlerAdded) {
    String how = Weft.run(() -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Future<String> stop = loop.createFuture();
      Signals.addHandler(loop, "TERM", () -> stop.setResult("stopped by SIGTERM"));
      handlerAdded.countDown();
      try {
        return stop.await();                   // serve until told to stop
      } finally {
        Signals.removeHandler(loop, "TERM");   // SIGTERM ends the JVM again
      }
    });
    return how;
  }

  /** The README's simulation block, verbatim. */
  static void readmeSimulatedSignal() {
    SimResult<String> stopped = Simulation.run(Schedule.fifo(), () -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Future<String> stop = loop.createFuture();
      Signals.addHandler(loop, "TERM", () -> stop.setResult("stopped at " + loop.time()));
      loop.callLater(Duration.ofSeconds(30), () -> Signals.simulate(loop, "TERM"));   // SIGTERM, 30 s in
      return stop.await();
    });
    System.out.println(stopped.value()); // stopped at 30.0
  }

  @Test
  @Timeout(60)
  void readmeGracefulStop_aRealSigtermStopsTheMainTask() {
    CountDownLatch handlerAdded = new CountDownLatch(1);
    Thread.ofPlatform().daemon(true).name("sigterm-sender").start(() -> {
      try {
        if (handlerAdded.await(30, TimeUnit.SECONDS)) {
          new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).start()
              .waitFor(20, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(readmeGracefulStop(handlerAdded)).isEqualTo("stopped by SIGTERM");
  }

  @Test
  @Timeout(60)
  void readmeSimulatedSignal_arrivesAtItsVirtualTime() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      readmeSimulatedSignal();
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly("stopped at 30.0");
  }
}
