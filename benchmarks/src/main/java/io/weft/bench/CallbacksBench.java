package io.weft.bench;

import io.weft.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Anchor case "callbacks": 1,000,000 callSoon callbacks, each scheduling the next. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CallbacksBench {
  static final int N = 1_000_000;

  @Benchmark
  @OperationsPerInvocation(N)
  public int chainedCallbacks() {
    try (EventLoop loop = EventLoop.create()) {
      int[] left = {N};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        if (--left[0] > 0) {
          loop.callSoon(step[0]);
        } else {
          loop.stop();
        }
      };
      loop.callSoon(step[0]);
      loop.runForever();
      return left[0];
    }
  }
}
