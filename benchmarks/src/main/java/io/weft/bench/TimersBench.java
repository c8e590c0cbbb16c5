package io.weft.bench;

import io.weft.EventLoop;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Anchor case "timers": 200,000 {@code callLater} calls with a uniform random delay in [0, 50 ms] (seeded
 * {@code java.util.Random(42)}; the delays are drawn once per trial, as the anchors draw them before timing), issued
 * from a callback inside the running loop.
 *
 * <ul>
 *   <li>{@link #endToEnd}: from the first {@code callLater} until the last timer has fired (the 50 ms window puts a
 *       floor of 50 ms under it, so at most 4M timers/s). Score: timers/s.
 *   <li>{@link #scheduleOnly}: the 200,000 {@code callLater} calls alone, in one loop iteration that then stops; the
 *       loop with its pending timers is closed after the invocation, outside the measurement. Score: timers/s.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimersBench {
  static final int N = 200_000;
  static final double MAX_DELAY_S = 0.050;

  @Param({"loop", "baton"})
  public String carrier;

  double[] delays;

  @Setup(Level.Trial)
  public void drawDelays() {
    Random rnd = new Random(42);
    delays = new double[N];
    for (int i = 0; i < N; i++) {
      delays[i] = rnd.nextDouble() * MAX_DELAY_S;
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int endToEnd() {
    try (EventLoop l = Loops.create(carrier)) {
      int[] fired = {0};
      Runnable cb = () -> {
        if (++fired[0] == N) {
          l.stop();
        }
      };
      l.callSoon(() -> {
        for (double d : delays) {
          l.callLater(d, cb);
        }
      });
      l.runForever();
      Loops.check("timers fired", N, fired[0]);
      return fired[0];
    }
  }

  /** A fresh loop per invocation of {@link #scheduleOnly}, closed (with its pending timers) after it. */
  @State(Scope.Thread)
  public static class FreshLoop {
    EventLoop loop;
    int issued;
    int fired;

    @Setup(Level.Invocation)
    public void open(TimersBench bench) {
      loop = Loops.create(bench.carrier);
      issued = 0;
      fired = 0;
    }

    @TearDown(Level.Invocation)
    public void close() {
      Loops.check("callLater calls issued", N, issued);
      Loops.check("timers fired during scheduleOnly", 0, fired);
      loop.close(); // drops the pending timers
      loop = null;
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void scheduleOnly(FreshLoop fresh) {
    EventLoop l = fresh.loop;
    double[] ds = delays;
    Runnable cb = () -> fresh.fired++; // must stay 0: the loop stops before any timer is due
    l.callSoon(() -> {
      for (double d : ds) {
        l.callLater(d, cb);
      }
      fresh.issued = ds.length;
    });
    l.stop(); // a stop requested before runForever makes it run exactly one iteration: the one issuing the timers
    l.runForever();
  }
}
