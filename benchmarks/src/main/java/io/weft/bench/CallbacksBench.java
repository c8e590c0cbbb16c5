package io.weft.bench;

import io.weft.EventLoop;
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
 * Anchor case "callbacks": 1,000,000 callSoon callbacks, each scheduling the next (asyncio: {@code loop.call_soon}
 * chain; Netty: {@code EventLoop.execute} chain). Score: callbacks/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CallbacksBench {
  static final int N = 1_000_000;

  /** The coroutine carrier; callbacks do not use it, but the baton carrier runs the loop on a virtual thread. */
  @Param({"loop", "baton", "continuation"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(N)
  public int chainedCallbacks() {
    try (EventLoop loop = Loops.create(carrier)) {
      int[] ran = {0};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        if (++ran[0] < N) {
          loop.callSoon(step[0]);
        } else {
          loop.stop();
        }
      };
      loop.callSoon(step[0]);
      loop.runForever();
      Loops.check("callbacks run", N, ran[0]);
      return ran[0];
    }
  }
}
