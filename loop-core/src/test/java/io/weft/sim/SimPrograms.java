package io.weft.sim;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Lock;
import io.weft.sync.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixed programs the simulation tests run; {@link SimHashMain} runs them in a second JVM. */
final class SimPrograms {

  private SimPrograms() {}

  /**
   * A program with real choices: three workers contend for a lock and sleep for equal times (timer ties), a
   * producer and a consumer share a bounded queue, and a plain timer fires 1 ms in (near the busy iterations, so it
   * can fire early). Its result is a log of what ran, so that different orders give different results.
   */
  static String mixed() {
    EventLoop loop = Weft.getRunningLoop();
    StringBuilder log = new StringBuilder();
    Lock lock = new Lock();
    Queue<Integer> queue = new Queue<>(2);
    List<Task<?>> tasks = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      String name = "w" + w;
      tasks.add(Weft.createTask(() -> {
        for (int k = 0; k < 3; k++) {
          try (Lock.Held h = lock.hold()) {
            log.append(name).append(k).append(' ');
            Weft.sleep(Duration.ofMillis(1));
          }
        }
        return null;
      }));
    }
    tasks.add(Weft.createTask(() -> {
      for (int i = 0; i < 5; i++) {
        queue.put(i);
        Weft.sleep(Duration.ZERO);
      }
      return null;
    }));
    tasks.add(Weft.createTask(() -> {
      for (int i = 0; i < 5; i++) {
        log.append('q').append(queue.get()).append(' ');
        Weft.sleep(Duration.ofMillis(1));
      }
      return null;
    }));
    loop.callLater(Duration.ofMillis(1), () -> log.append("timer "));
    for (Task<?> t : tasks) {
      t.await();
    }
    return log.toString();
  }
}
