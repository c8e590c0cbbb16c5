package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Anchor case "sleepers": {@code count} tasks each {@code Weft.sleep(seconds)} on the production loop, awaited by a
 * main task. Not a JMH case: one measured pass after a small warm-up batch, as the anchors do.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.weft.bench.Sleepers \
 *     [count=100000] [seconds=0.5] [carrier=loop|baton|continuation] [gc]
 * (the experimental continuation carrier also needs --add-exports java.base/jdk.internal.vm=ALL-UNNAMED)
 * </pre>
 *
 * <p>Prints one line in the anchors' format. {@code seconds} is the wall time from the first task's creation until
 * the last one has been awaited (as in {@code py_bench.py}); {@code kb_per_task} is (VmHWM - VmRSS before) / count,
 * The warm-up batch is 1,000 tasks, as the anchors' ({@code -Dweft.sleepers.warmup=N} changes it: with a JIT-compiled
 * path every parked stack is smaller, so a larger warm-up shows the steady state),
 * with the baseline read after the warm-up batch and a {@code System.gc()} (as in {@code VtBench.java}).
 * The anchor awaits with {@code asyncio.gather}; here the main task awaits each task in creation order instead
 * (which suspends it once per task still sleeping), so the measured memory is the sleeping tasks' alone, without
 * {@code Weft.gather}'s per-child callbacks and result list.
 *
 * <p>Extras: {@code kb_per_task_rss_mid} and {@code kb_per_task_heap} are the VmRSS and heap-used deltas per task
 * sampled once every task is asleep (after one {@code sleep(0)} of the main task); with the fourth argument
 * {@code gc} a {@code System.gc()} runs first, so the heap figure is the live heap per sleeping task (as the anchors'
 * {@code vt_sleepers_gc}); that GC is inside the timed interval, so use the plain run for wall time.
 */
public final class Sleepers {

  private Sleepers() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    String carrier = args.length > 2 ? args[2] : "loop";
    boolean gcMid = args.length > 3 && args[3].equals("gc");
    Duration sleep = Duration.ofNanos(Math.round(seconds * 1e9));

    try (EventLoop loop = Loops.create(carrier)) {
      // Warm the code path with a small batch (not measured).
      run(loop, Integer.getInteger("weft.sleepers.warmup", 1_000), Duration.ofMillis(10), false);
      System.gc();
      Thread.sleep(100);
      long baseRssKb = procStatusKb("VmRSS");
      long baseHeap = heapUsed();

      long[] t = run(loop, n, sleep, gcMid);
      long hwmKb = procStatusKb("VmHWM");
      double secs = (t[2] - t[0]) / 1e9;
      System.out.println(String.format(Locale.ROOT,
          "case=sleepers loop=weft n=%d seconds=%.4f rate=%.0f unit=tasks/s peak_rss_mb=%.1f carrier=%s"
              + " sleep_s=%s create_s=%.4f asleep_s=%.4f base_rss_mb=%.1f kb_per_task=%.3f kb_per_task_rss_mid=%.3f"
              + " kb_per_task_heap=%.3f gc_mid=%s max_heap_mb=%d",
          n, secs, n / secs, hwmKb / 1024.0, loop.carrierName(), seconds, (t[1] - t[0]) / 1e9, (t[5] - t[0]) / 1e9,
          baseRssKb / 1024.0, (hwmKb - baseRssKb) / (double) n, (t[3] - baseRssKb) / (double) n,
          (t[4] - baseHeap) / 1024.0 / n, gcMid, Runtime.getRuntime().maxMemory() >> 20));
    }
  }

  /**
   * Runs one batch; returns {start, all created, all awaited} in System.nanoTime, then the VmRSS (KB) and heap used
   * (bytes) sampled once every task is asleep, then the time when every task was asleep.
   */
  private static long[] run(EventLoop loop, int n, Duration sleep, boolean gcMid) {
    return loop.runUntilComplete(() -> {
      long t0 = System.nanoTime();
      @SuppressWarnings("unchecked")
      Task<Integer>[] tasks = new Task[n];
      for (int i = 0; i < n; i++) {
        tasks[i] = loop.createTask(() -> Weft.sleep(sleep, 1));
      }
      long t1 = System.nanoTime();
      // One iteration: every task's first step (queued before this one) runs, up to its sleep.
      Weft.sleep(Duration.ZERO);
      long tAsleep = System.nanoTime();
      if (gcMid) {
        System.gc();
      }
      long midRssKb = procStatusKb("VmRSS");
      long midHeap = heapUsed();
      long sum = 0;
      for (Task<Integer> task : tasks) {
        sum += task.await(); // stand-in for gather(*tasks)
      }
      long t2 = System.nanoTime();
      Loops.check("sleepers finished", n, sum);
      return new long[] {t0, t1, t2, midRssKb, midHeap, tAsleep};
    });
  }

  static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long procStatusKb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: report -1
    }
    return -1;
  }
}
