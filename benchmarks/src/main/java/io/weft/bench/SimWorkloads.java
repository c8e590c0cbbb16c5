package io.weft.bench;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sync.Lock;
import java.time.Duration;

/**
 * The workloads of the simulation benchmarks (issue 4), written once so that the simulated and the production loops
 * run exactly the same code, and the checks that make a broken run fail instead of reporting a fast figure.
 */
final class SimWorkloads {

  private SimWorkloads() {}

  /**
   * {@code tasks} workers each loop {@code rounds} times: acquire {@code lock}, {@code Weft.sleep(Duration.ZERO)},
   * release. The main task awaits the workers in creation order and returns how many rounds ran. Every round awaits
   * once on purpose (the sleep(0), which always suspends for exactly one loop iteration while holding the lock), and
   * every acquisition but a round's first also waits in the lock's queue.
   */
  static AsyncCallable<Long> lock(int tasks, int rounds) {
    return () -> {
      Lock lock = new Lock();
      long[] x = {0};
      @SuppressWarnings("unchecked")
      Task<Void>[] workers = new Task[tasks];
      for (int i = 0; i < tasks; i++) {
        workers[i] = Weft.createTask(() -> {
          for (int j = 0; j < rounds; j++) {
            try (Lock.Held h = lock.hold()) {
              x[0]++;
              Weft.sleep(Duration.ZERO);
            }
          }
        });
      }
      for (Task<Void> w : workers) {
        w.await();
      }
      return x[0];
    };
  }

  /**
   * Two tasks each call {@code Weft.sleep(Duration.ZERO)} {@code n} times; as the ready queue is FIFO they alternate,
   * one task switch per sleep(0) (2n in all). Returns the sleeps counted.
   */
  static AsyncCallable<Long> pingPong(int n) {
    return () -> {
      long[] count = {0};
      AsyncCallable<Void> side = () -> {
        for (int i = 0; i < n; i++) {
          count[0]++;
          Weft.sleep(Duration.ZERO);
        }
        return null;
      };
      Task<Void> a = Weft.createTask(side);
      Task<Void> b = Weft.createTask(side);
      a.await();
      b.await();
      return count[0];
    };
  }

  /**
   * {@code tasks} tasks each sleep {@code ticks} times for {@code period} (virtual time); returns the wakeups.
   */
  static AsyncCallable<Long> ticking(int tasks, int ticks, Duration period) {
    return () -> {
      long[] wakeups = {0};
      @SuppressWarnings("unchecked")
      Task<Void>[] tickers = new Task[tasks];
      for (int i = 0; i < tasks; i++) {
        tickers[i] = Weft.createTask(() -> {
          for (int j = 0; j < ticks; j++) {
            Weft.sleep(period);
            wakeups[0]++;
          }
        });
      }
      for (Task<Void> t : tickers) {
        t.await();
      }
      return wakeups[0];
    };
  }

  /**
   * Reads a schedule parameter: {@code STRATEGY} (faithful mode) or {@code MODE:STRATEGY}, e.g. {@code CHAOS:RANDOM}.
   */
  static Schedule schedule(String param, long seed) {
    int colon = param.indexOf(':');
    Mode mode = colon < 0 ? Mode.FAITHFUL : Mode.valueOf(param.substring(0, colon));
    return Schedule.of(mode, param.substring(colon + 1), seed);
  }

  /**
   * Runs {@code body} under {@code schedule}, throws the failure if the run did not pass, checks that the simulated
   * loop ran on the loop-scheduled carrier (as the production figures do), and returns the main task's value.
   */
  static <T> SimResult<T> simulate(Schedule schedule, SimOptions options, AsyncCallable<T> body) {
    String[] carrier = {null};
    SimResult<T> r = Simulation.run(schedule, options, () -> {
      carrier[0] = Simulation.current().loop().carrierName();
      return body.call();
    });
    r.orThrow();
    if (!"loop".equals(carrier[0])) {
      throw new IllegalStateException("the simulated loop ran on carrier " + carrier[0] + ", not 'loop'"
          + " (missing --add-opens java.base/java.lang=ALL-UNNAMED?)");
    }
    return r;
  }

  /** Creates the production loop named by a benchmark's {@code loop} parameter, on the loop-scheduled carrier. */
  static EventLoop production(String loop) {
    EventLoop l = switch (loop) {
      case "create" -> EventLoop.create();
      case "createVirtual" -> EventLoop.createVirtual();
      default -> throw new IllegalArgumentException("loop must be 'create' or 'createVirtual', got '" + loop + "'");
    };
    if (!l.carrierName().equals("loop")) {
      l.close();
      throw new IllegalStateException("EventLoop." + loop + "() chose carrier " + l.carrierName() + ", not 'loop'"
          + " (missing --add-opens java.base/java.lang=ALL-UNNAMED?)");
    }
    return l;
  }
}
