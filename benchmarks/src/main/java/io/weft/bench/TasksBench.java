package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Task;
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
 * Anchor case "tasks": 200 batches of 1,000 tasks whose body returns 1, each batch awaited from a main task
 * (200k tasks per operation). Score: tasks/s.
 *
 * <p>The anchor awaits each batch with {@code asyncio.gather}. Weft has no {@code gather} yet (it arrives in a later
 * issue), so this awaits the 1,000 tasks one by one, in creation order, as a stand-in: the first await suspends the
 * main task until the whole batch has run (every task finishes in its first step, in creation order), and the other
 * 999 return at once, so the cost is close to gather's minus its per-child done callback. Switch to gather when it
 * exists.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TasksBench {
  static final int BATCHES = 200;
  static final int BATCH = 1_000;

  @Param({"loop", "baton", "continuation"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(BATCHES * BATCH)
  public long createAndAwait() {
    try (EventLoop loop = Loops.create(carrier)) {
      long total = loop.runUntilComplete(() -> {
        long sum = 0;
        @SuppressWarnings("unchecked")
        Task<Integer>[] batch = new Task[BATCH];
        for (int b = 0; b < BATCHES; b++) {
          for (int i = 0; i < BATCH; i++) {
            batch[i] = loop.createTask(() -> 1);
          }
          for (int i = 0; i < BATCH; i++) {
            sum += batch[i].await(); // stand-in for gather(*batch)
          }
        }
        return sum;
      });
      Loops.check("task results summed", (long) BATCHES * BATCH, total);
      return total;
    }
  }
}
