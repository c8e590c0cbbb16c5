package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Lock;
import java.time.Duration;
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
 * Anchor case "lock": 100 tasks each acquire one {@link Lock} 2,000 times, and inside it add one to a shared counter
 * and {@code sleep(0)} (200k acquisitions per operation; every acquisition after the first of a round waits in the
 * lock's queue, since the holder gives up the loop while holding it). Score: acquisitions/s.
 *
 * <p>The anchor's body is {@code async with lock: x += 1; await asyncio.sleep(0)}, here
 * {@code try (Lock.Held h = lock.hold()) { x++; Weft.sleep(Duration.ZERO); }}. The anchor awaits the workers with
 * {@code asyncio.gather}; this awaits them one by one, in creation order (gather lives in another part of issue 3),
 * which suspends the main task about once, as the workers finish in creation order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LockBench {
  static final int TASKS = 100;
  static final int ACQUISITIONS = 2_000;

  @Param({"loop", "baton"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(TASKS * ACQUISITIONS)
  public long acquireWithSleepZero() {
    try (EventLoop loop = Loops.create(carrier)) {
      Lock lock = new Lock();
      long[] x = {0};
      long total = loop.runUntilComplete(() -> {
        @SuppressWarnings("unchecked")
        Task<Void>[] workers = new Task[TASKS];
        for (int i = 0; i < TASKS; i++) {
          workers[i] = loop.createTask(() -> {
            for (int j = 0; j < ACQUISITIONS; j++) {
              try (Lock.Held h = lock.hold()) {
                x[0]++;
                Weft.sleep(Duration.ZERO);
              }
            }
          });
        }
        for (Task<Void> w : workers) {
          w.await(); // stand-in for gather(*workers)
        }
        return x[0];
      });
      Loops.check("lock acquisitions counted", (long) TASKS * ACQUISITIONS, total);
      return total;
    }
  }
}
