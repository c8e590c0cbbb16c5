package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.AsyncGenerator;
import io.weft.AsyncIterator;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Future;
import io.weft.GeneratorExit;
import io.weft.Weft;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Simulation#collectGarbage()}: the collector's reports (unread future exceptions, dropped async generators)
 * enter a simulated run only there, at a point the program fixes, so runs with the same schedule stay the same.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulationGcTests {

  /** Sets a handler that records the reports, as "message: exception". */
  private static List<String> recordReports() {
    List<String> reports = new ArrayList<>();
    EventLoop.getRunningLoop().setExceptionHandler((l, ctx) -> reports.add(describe(ctx)));
    return reports;
  }

  private static String describe(ExceptionContext ctx) {
    return ctx.message() + ": " + ctx.exception();
  }

  private static void dropFailedFuture(String message) {
    Future<String> f = EventLoop.getRunningLoop().createFuture();
    f.setException(new IllegalStateException(message));
  }

  /** Two futures dropped unread, a third read; a collection reports the two, in the order they failed. */
  private static List<String> futuresProgram() {
    List<String> reports = recordReports();
    dropFailedFuture("first");
    Weft.sleep(Duration.ofSeconds(1));
    dropFailedFuture("second");
    Future<String> read = EventLoop.getRunningLoop().createFuture();
    read.setException(new IllegalStateException("read"));
    read.exception();
    read = null;
    List<String> seen = new ArrayList<>();
    seen.add("before: " + reports.size());
    int acted = Simulation.current().collectGarbage();
    seen.add("acted on " + acted);
    seen.addAll(reports);
    return seen;
  }

  @Test
  void collectGarbage_reportsDroppedFuturesUnreadExceptions_inOrder_andTheRunIsDeterministic() {
    Schedule schedule = Schedule.of(Mode.FAITHFUL, "RANDOM", 7);
    SimResult<List<String>> first = Simulation.run(schedule, SimulationGcTests::futuresProgram);
    SimResult<List<String>> second = Simulation.run(schedule, SimulationGcTests::futuresProgram);

    assertThat(first.failure()).isNull();
    assertThat(first.value()).containsExactly("before: 0", "acted on 2",
        "Future exception was never retrieved: java.lang.IllegalStateException: first",
        "Future exception was never retrieved: java.lang.IllegalStateException: second");
    assertThat(second.value()).isEqualTo(first.value());
    assertThat(second.traceHash()).isEqualTo(first.traceHash());
  }

  @Test
  void withoutCollectGarbage_theCollectorNeverReachesASimulatedRun() {
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      List<String> reports = recordReports();
      dropFailedFuture("dropped");
      for (int i = 0; i < 5; i++) {
        System.gc();
        Weft.sleep(Duration.ofSeconds(1)); // iterations of the loop, which would poll a production loop's queue
      }
      assertThat(reports).isEmpty();
      return reports.size();
    });
    assertThat(r.failure()).isNull();
    assertThat(r.value()).isZero();
  }

  @Test
  void aReportWithNoHandlerOfTheTestsOwn_failsTheRunAsACallbackException() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      dropFailedFuture("unread");
      Simulation.current().collectGarbage();
      return null;
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.CALLBACK_EXCEPTION);
    assertThat(r.failure().getMessage()).contains("Future exception was never retrieved").contains("unread");
  }

  private static WeakReference<AsyncGenerator<Integer>> iterateOnceAndDrop(List<String> log) {
    AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
      try {
        out.yield(1);
        out.yield(2);
      } catch (GeneratorExit e) {
        log.add("GeneratorExit at " + Weft.getRunningLoop().time());
        throw e;
      } finally {
        Weft.sleep(Duration.ofSeconds(2));
        log.add("finally at " + Weft.getRunningLoop().time());
      }
    });
    AsyncIterator<Integer> it = g.iterator();
    log.add("got " + it.next());
    return new WeakReference<>(g);
  }

  private static List<String> generatorProgram() {
    List<String> reports = recordReports();
    List<String> log = new ArrayList<>();
    WeakReference<AsyncGenerator<Integer>> ref = iterateOnceAndDrop(log);
    Weft.sleep(Duration.ofSeconds(1));
    log.add("acted on " + Simulation.current().collectGarbage() + ", collected " + ref.refersTo(null));
    Weft.sleep(Duration.ofSeconds(5));
    log.addAll(reports);
    return log;
  }

  @Test
  void collectGarbage_closesADroppedGenerator_throughATaskOnTheLoop_andTheRunIsDeterministic() {
    Schedule schedule = Schedule.of(Mode.CHAOS, "RANDOM", 11);
    SimResult<List<String>> first = Simulation.run(schedule, SimulationGcTests::generatorProgram);
    SimResult<List<String>> again = Simulation.run(first.replay(), SimulationGcTests::generatorProgram);

    assertThat(first.failure()).isNull();
    assertThat(first.value()).hasSize(4).startsWith("got 1", "acted on 1, collected true");
    assertThat(again.value()).isEqualTo(first.value());
    assertThat(again.traceHash()).isEqualTo(first.traceHash());
  }

  @Test
  void collectGarbage_closesADroppedGenerator_whoseFinallyRunsAtOnce_inVirtualTime() {
    SimResult<List<String>> r = Simulation.run(Schedule.fifo(), SimulationGcTests::generatorProgram);

    assertThat(r.failure()).isNull();
    assertThat(r.value()).containsExactly("got 1", "acted on 1, collected true", "GeneratorExit at 1.0",
        "finally at 3.0");
  }

  @Test
  void aDroppedGeneratorNotCollectedInTheRun_isClosedWhenMainEnds_asShutdownAsyncgensDoes() {
    // Without collectGarbage, a simulation never finalizes a dropped generator while main runs; when main ends, the
    // run closes it as asyncio.run's shutdown_asyncgens does, so it is not reported as a leaked task (asyncio reports
    // nothing for it either). Its GeneratorExit comes at main's end (1 s), its finally after the 2 s it awaits.
    List<String> log = new ArrayList<>();
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      iterateOnceAndDrop(log);
      System.gc();
      Weft.sleep(Duration.ofSeconds(1));
      return null;
    });
    assertThat(r.failure()).as("%s", r.failure()).isNull();
    assertThat(log).containsExactly("got 1", "GeneratorExit at 1.0", "finally at 3.0");
  }

  @Test
  void collectGarbage_offTheSimulationsLoop_isRefused() {
    SimResult<Simulation> r = Simulation.run(Schedule.fifo(), Simulation::current);
    assertThatThrownBy(() -> r.value().collectGarbage()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("collectGarbage must be called on the simulation's loop");
  }
}
