package io.weft.bench;

import io.weft.Combinators;
import io.weft.EventLoop;
import io.weft.Task;
import java.util.ArrayList;
import java.util.List;
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
 * Issue-3 case "gather": 200 rounds, each a {@code gather} of 1,000 new tasks whose body returns 1, awaited from a
 * main task (200k tasks per operation), as the anchor's {@code asyncio.gather(*coros)} (which wraps each coroutine
 * in a task). Score: tasks/s. Unlike {@link TasksBench}, which awaits each task in turn, this pays for gather's
 * per-child done callback and result list.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GatherBench {
  static final int ROUNDS = 200;
  static final int BATCH = 1_000;

  @Param({"loop", "baton"})
  public String carrier;

  @Benchmark
  @OperationsPerInvocation(ROUNDS * BATCH)
  public long gatherTasks() {
    try (EventLoop loop = Loops.create(carrier)) {
      long total = loop.runUntilComplete(() -> {
        long sum = 0;
        for (int r = 0; r < ROUNDS; r++) {
          List<Task<Integer>> batch = new ArrayList<>(BATCH);
          for (int i = 0; i < BATCH; i++) {
            batch.add(loop.createTask(() -> 1));
          }
          for (int v : Combinators.gather(batch).await()) {
            sum += v;
          }
        }
        return sum;
      });
      Loops.check("gathered results summed", (long) ROUNDS * BATCH, total);
      return total;
    }
  }
}
