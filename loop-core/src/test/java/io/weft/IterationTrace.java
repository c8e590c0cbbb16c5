package io.weft;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a small program on a fresh virtual-time loop beside a callback that re-schedules itself with
 * {@code callSoon}, so it runs once per loop iteration and counts them, and records each event the program reports
 * with the iteration it happened in: {@code "2:B acquired"}. The expected traces in the tests that use it were
 * produced by the same programs written for CPython's asyncio with the same counter,
 * {@code loop-core/src/test/cpython/iteration_traces.py} and {@code edge_traces.py}, run on CPython 3.13.0 (3.11.7
 * prints the same except where 3.12 changed asyncio: gather takes children that are already done at once, and
 * wait_for is built on timeout()), so a trace that matches means Weft wakes tasks, runs callbacks and delivers
 * cancellations in the same iterations as asyncio, not merely in the same order.
 *
 * <p>The counter keeps the loop busy, so the programs use no timer that has to fire: their long sleeps are
 * cancelled.
 */
final class IterationTrace {

  private final EventLoop loop;
  private final List<String> events = new ArrayList<>();
  private final List<ExceptionContext> reports = new ArrayList<>();
  private int iteration;

  private IterationTrace() {
    VirtualClock clock = new VirtualClock();
    loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).build();
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  /** A program under trace: it reports events with {@link IterationTrace#ev}. */
  @FunctionalInterface
  interface Program {
    void run(IterationTrace t) throws Exception;
  }

  /** Runs {@code program} as the main task of a fresh loop and returns its events joined by spaces. */
  static String of(Program program) {
    IterationTrace t = new IterationTrace();
    try {
      t.loop.runUntilComplete(() -> {
        t.loop.callSoon(t::count);
        try {
          program.run(t);
        } catch (Throwable e) {
          t.ev("main raised " + e.getClass().getSimpleName());
        }
        return null;
      });
    } finally {
      t.loop.close();
    }
    assertThat(t.reports).as("exception handler reports").isEmpty();
    return String.join(" ", t.events);
  }

  private void count() {
    iteration++;
    loop.callSoon(this::count);
  }

  /** Python's spelling of a boolean, as the CPython traces print it. */
  static String py(boolean b) {
    return b ? "True" : "False";
  }

  /** A table of programs and the traces CPython printed for them, run as one dynamic test each. */
  static final class Cases {
    private record Case(String name, String expected, Program program) {}

    private final List<Case> cases = new ArrayList<>();

    /** Adds program {@code name}, expected to trace as {@code expected}. */
    void add(String name, String expected, Program program) {
      cases.add(new Case(name, expected, program));
    }

    /** One test per program: its trace equals the expected one. */
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tests() {
      return cases.stream().map(c -> org.junit.jupiter.api.DynamicTest.dynamicTest(c.name(),
          () -> assertThat(of(c.program())).as(c.name()).isEqualTo(c.expected())));
    }
  }

  /** Records {@code event} with the current iteration. */
  void ev(String event) {
    events.add(iteration + ":" + event);
  }

  /** The loop under trace. */
  EventLoop loop() {
    return loop;
  }

  /** {@code await asyncio.sleep(0)}. */
  static void yieldOnce() {
    Weft.sleep(Duration.ZERO);
  }

  /** {@code await asyncio.sleep(10)}: long enough never to end in these programs (they cancel it). */
  static void sleepLong() {
    Weft.sleep(Duration.ofSeconds(10));
  }
}
