package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Weft;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 12's executors: {@code Weft.toThread} round trips, one after another, on the production loop's default
 * executor, beside asyncio's {@code to_thread} ({@code benchmarks/anchors/py_bench_threads.py}). A round trip: hand a
 * callable that returns at once to a pool thread, and await its result back on the loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ToThreadBench {

  /** Round trips per benchmark invocation. */
  static final int ROUND_TRIPS = 1_000;

  private EventLoop loop;

  /** A production loop whose default executor has its first thread (as the anchor's warm-up call makes it). */
  @Setup(Level.Trial)
  public void setUp() {
    loop = EventLoop.create();
    loop.runUntilComplete(loop.createTask(() -> Weft.toThread(() -> null)));
  }

  /** Closes the loop (and shuts its default executor down). */
  @TearDown(Level.Trial)
  public void tearDown() {
    loop.close();
  }

  /** {@value #ROUND_TRIPS} {@code toThread} round trips, one after another. */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int toThread() {
    return loop.runUntilComplete(loop.createTask(() -> {
      int n = 0;
      for (int i = 0; i < ROUND_TRIPS; i++) {
        if (Weft.toThread(() -> Boolean.TRUE)) {
          n++;
        }
      }
      return n;
    }));
  }
}
