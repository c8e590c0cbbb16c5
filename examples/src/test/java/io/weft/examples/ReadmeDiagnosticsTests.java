package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's blocks on executor work that takes virtual time and on reports made when objects are collected. */
@Timeout(60)
class ReadmeDiagnosticsTests {

  /** "Blocking code off the loop", verbatim. */
  static SimResult<String> readmeExecutorWork() {
    SimOptions options = SimOptions.DEFAULTS.withExecutorWork(Duration.ofMillis(200));   // every job of the run
    SimResult<String> r = Simulation.run(Schedule.fifo(), options, () -> {
      String row = Weft.toThread(() -> "row");                         // completes at 0.2 s of virtual time
      String big = Threads.toThread(Duration.ofSeconds(3), () -> "report");   // this call: 3 s, done at 3.2 s
      return row + " " + big + " at " + EventLoop.getRunningLoop().time();
    });
    // r.value() == "row report at 3.2"
    return r;
  }

  @Test
  void readmeExecutorWork_takesTheVirtualTimeItSays() {
    SimResult<String> r = readmeExecutorWork();
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("row report at 3.2");
  }

  /** "Debug mode", reports when objects are collected, verbatim. */
  static SimResult<List<String>> readmeCollectGarbage() {
    SimResult<List<String>> r = Simulation.run(Schedule.fifo(), () -> {
      List<String> reports = new ArrayList<>();
      EventLoop.getRunningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
      Future<String> f = EventLoop.getRunningLoop().createFuture();
      f.setException(new IllegalStateException("nobody reads me"));
      f = null;                                           // dropped
      Simulation.current().collectGarbage();
      return reports;
    });
    // r.value() == ["Future exception was never retrieved"]
    return r;
  }

  @Test
  void readmeCollectGarbage_reportsTheDroppedFuture() {
    SimResult<List<String>> r = readmeCollectGarbage();
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).containsExactly("Future exception was never retrieved");
  }
}
