package io.weft.bench;

import io.weft.EventLoop;
import io.weft.process.ProcessOptions;
import io.weft.process.Stdio;
import io.weft.process.Subprocesses;
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
 * Subprocesses: spawn-and-wait of {@code /bin/true}, one after another, on the production loop, beside asyncio's and
 * uvloop's {@code create_subprocess_exec} ({@code benchmarks/anchors/py_bench_subprocess.py}). Two cases: every
 * stream inherited ({@code waitFor()} only), and stdout piped and read to EOF ({@code communicate()}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SubprocessBench {

  /** Children per benchmark invocation. */
  static final int SPAWNS = 50;

  private static final ProcessOptions INHERIT = ProcessOptions.defaults();
  private static final ProcessOptions STDOUT_PIPE = ProcessOptions.defaults().stdout(Stdio.PIPE);

  private EventLoop loop;

  /** A production loop. */
  @Setup(Level.Trial)
  public void setUp() {
    loop = EventLoop.create();
  }

  /** Closes the loop. */
  @TearDown(Level.Trial)
  public void tearDown() {
    loop.close();
  }

  /** {@value #SPAWNS} children of {@code /bin/true}, each awaited before the next, streams inherited. */
  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public int spawnWait() {
    return loop.runUntilComplete(loop.createTask(() -> {
      int sum = 0;
      for (int i = 0; i < SPAWNS; i++) {
        sum += Subprocesses.createSubprocessExec(INHERIT, "/bin/true").waitFor();
      }
      return sum;
    }));
  }

  /** {@value #SPAWNS} children of {@code /bin/true} with stdout piped, each through {@code communicate()}. */
  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public int spawnCommunicate() {
    return loop.runUntilComplete(loop.createTask(() -> {
      int sum = 0;
      for (int i = 0; i < SPAWNS; i++) {
        sum += Subprocesses.createSubprocessExec(STDOUT_PIPE, "/bin/true").communicate(null).stdout().length;
      }
      return sum;
    }));
  }
}
