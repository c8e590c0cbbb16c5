package io.weft.bench;

import io.weft.fault.Failpoints;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 10: what a failpoint costs when it is off (no {@code -Dweft.failpoints}, no fault plan with failpoints in the
 * JVM). The same loop of {@value #N} small steps, with and without a failpoint evaluated at each step, in both forms
 * ({@code eval} and {@code returnEarly}), and with a volatile flag's check in their place (the design rejected). Score: ns
 * per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3)
public class FailpointBench {
  static final int N = 1_024;

  private int[] values;

  /** Fills the values. */
  @Setup
  public void setUp() {
    if (Failpoints.enabledInProduction()) {
      throw new IllegalStateException("FailpointBench measures failpoints that are off: unset -Dweft.failpoints");
    }
    values = new int[N];
    for (int i = 0; i < N; i++) {
      values[i] = i * 31 + 7;
    }
  }

  /** The loop alone. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long withoutFailpoint() {
    long sum = 0;
    for (int i = 0; i < N; i++) {
      sum += values[i] ^ (sum >>> 7);
    }
    return sum;
  }

  /** The loop with {@code Failpoints.eval} at each step. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long withEvalOff() {
    long sum = 0;
    for (int i = 0; i < N; i++) {
      Failpoints.eval("bench.step");
      sum += values[i] ^ (sum >>> 7);
    }
    return sum;
  }

  /**
   * The design {@code Failpoints} rejected, for comparison in the same session: the same loop checking a
   * {@code static volatile} flag (false) at each step, as a first version did to learn whether a plan had failpoints.
   */
  @Benchmark
  @OperationsPerInvocation(N)
  public long withVolatileFlagCheck() {
    long sum = 0;
    for (int i = 0; i < N; i++) {
      if (volatileFlag) {
        return -1;
      }
      sum += values[i] ^ (sum >>> 7);
    }
    return sum;
  }

  /** Never set: read by {@link #withVolatileFlagCheck}. */
  static volatile boolean volatileFlag;

  /** The loop with {@code Failpoints.returnEarly} at each step. */
  @Benchmark
  @OperationsPerInvocation(N)
  public long withReturnEarlyOff() {
    long sum = 0;
    for (int i = 0; i < N; i++) {
      if (Failpoints.returnEarly("bench.step")) {
        return -1;
      }
      sum += values[i] ^ (sum >>> 7);
    }
    return sum;
  }
}
