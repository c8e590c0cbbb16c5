package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Anchor case "futures": one task does, 500,000 times, {@code f = loop.createFuture(); loop.callSoon(() ->
 * f.setResult(i)); f.await()}. As in asyncio, each await costs two loop callbacks (the {@code setResult} callback,
 * then the task's wake-up step) and a suspend/resume of the task. Score: awaits/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FuturesBench {
  static final int N = 500_000;

  @Param({"loop", "baton", "continuation"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(N)
  public long awaitFutures() {
    try (EventLoop loop = Loops.create(carrier)) {
      long sum = loop.runUntilComplete(loop.createTask(() -> {
        long s = 0;
        for (int i = 0; i < N; i++) {
          Future<Integer> f = loop.createFuture();
          int v = i;
          loop.callSoon(() -> f.setResult(v));
          s += f.await();
        }
        return s;
      }));
      Loops.check("sum of awaited results", (long) N * (N - 1) / 2, sum);
      return sum;
    }
  }
}
