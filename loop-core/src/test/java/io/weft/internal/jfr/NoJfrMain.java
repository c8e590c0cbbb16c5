package io.weft.internal.jfr;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link NoJfrTests} in a JVM without the {@code jdk.jfr} module: tasks, timers, a slow callback in debug mode
 * and a failing task all take the paths that would record events. Prints whether {@code jdk.jfr} is present and the
 * program's result.
 */
public final class NoJfrMain {

  private NoJfrMain() {}

  /** Prints {@code jfr=<present> result=<sum> failed=<exception>}. */
  public static void main(String[] args) {
    boolean jfr = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    String result = Weft.run(() -> {
      EventLoop.getRunningLoop().setDebug(true);
      EventLoop.getRunningLoop().setSlowCallbackDuration(Duration.ofMillis(1));
      List<Task<Integer>> tasks = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        int n = i;
        tasks.add(Weft.createTask(() -> {
          Weft.sleep(Duration.ofMillis(n));
          return n;
        }));
      }
      Task<Void> failing = Weft.createTask(() -> {
        throw new IllegalStateException("boom");
      });
      EventLoop.getRunningLoop().callSoon(() -> {
        long end = System.nanoTime() + 5_000_000;
        while (System.nanoTime() < end) {
          Thread.onSpinWait(); // a slow callback: 5 ms over a 1 ms threshold
        }
      });
      int sum = 0;
      for (Task<Integer> t : tasks) {
        sum += t.await();
      }
      String failed;
      try {
        failing.await();
        failed = "none";
      } catch (IllegalStateException e) {
        failed = e.getMessage();
      }
      return sum + " failed=" + failed;
    });
    System.out.println("jfr=" + jfr + " result=" + result);
  }
}
