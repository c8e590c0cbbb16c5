package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.sync.Queue;
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
 * Issue-3 case "pingpong queue": two tasks pass a number back and forth through two {@code Queue(maxsize=1)}, 200k
 * round trips = 400k task switches per operation, as the anchor's {@code case_pingpong} (ping puts into q1 and gets
 * from q2; pong gets from q1 and puts into q2; the anchor gathers the two, here the main task awaits them both).
 * Score: switches/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueuePingPongBench {
  static final int ROUND_TRIPS = 200_000;

  @Param({"loop", "baton"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(2 * ROUND_TRIPS)
  public long pingPong() {
    try (EventLoop loop = Loops.create(carrier)) {
      long sum = loop.runUntilComplete(() -> {
        Queue<Integer> q1 = new Queue<>(1);
        Queue<Integer> q2 = new Queue<>(1);
        Task<Long> ping = loop.createTask(() -> {
          long s = 0;
          for (int i = 0; i < ROUND_TRIPS; i++) {
            q1.put(i);
            s += q2.get();
          }
          return s;
        });
        Task<Void> pong = loop.createTask(() -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            q2.put(q1.get());
          }
        });
        pong.await();
        return ping.await();
      });
      Loops.check("numbers returned by pong, summed", (long) ROUND_TRIPS * (ROUND_TRIPS - 1) / 2, sum);
      return sum;
    }
  }
}
