package io.weft.examples;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.spi.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's main job: a small crawler-shaped program on the production loop. It fans out tasks that wait on
 * timers of different lengths, collects their results in argument order, shows a timeout by cancellation, and a
 * callback from another thread waking the loop.
 */
public final class Demo {

  private Demo() {}

  /** Runs the demo and prints what happens. */
  public static void main(String[] args) {
    Clock wall = Clock.system(); // the demo runs on real time; Weft code reads time only through a Clock
    long start = wall.nanoTime();
    List<String> pages = Weft.run(() -> {
      EventLoop loop = Weft.getRunningLoop();
      log(loop, "main: started on the " + loop.carrierName() + " carrier");

      // Fan out: one task per "fetch"; each sleeps as long as its page takes to arrive.
      String[] names = {"alpha", "bravo", "charlie", "delta"};
      int[] millis = {120, 40, 80, 10};
      List<Task<String>> fetches = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        String name = names[i];
        Duration d = Duration.ofMillis(millis[i]);
        fetches.add(Weft.createTask(() -> {
          log(loop, "fetch " + name + ": waiting " + d.toMillis() + " ms");
          Weft.sleep(d);
          log(loop, "fetch " + name + ": done");
          return name.toUpperCase();
        }, "fetch-" + name, null));
      }

      // A slow task that we cancel when it takes too long: the cancellation arrives at its await.
      Task<String> slow = Weft.createTask(() -> {
        try {
          Weft.sleep(Duration.ofSeconds(10));
          return "never";
        } finally {
          log(loop, "slow: cleaning up after " + Weft.currentTask().cancelling() + " cancel request(s)");
        }
      }, "slow", null);
      loop.callLater(Duration.ofMillis(60), () -> {
        log(loop, "timer: cancelling " + slow.getName());
        slow.cancel("too slow");
      });

      // Another thread hands work to the loop: callSoonThreadsafe wakes it from its poller.
      Future<String> fromThread = loop.createFuture();
      Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> fromThread.setResult("hello from a thread")));
      log(loop, "main: " + fromThread.await());

      // Gather: results come back in argument order whatever the completion order.
      List<String> results = Weft.gather(fetches).await();
      try {
        slow.await();
      } catch (io.weft.CancelledError e) {
        log(loop, "main: slow was cancelled (" + e.getMessage() + ")");
      }
      return results;
    });
    System.out.printf("results in argument order: %s (%.0f ms wall)%n", pages, (wall.nanoTime() - start) / 1e6);
  }

  private static void log(EventLoop loop, String message) {
    System.out.printf("[t=%6.1f ms] %s%n", loop.time() * 1000, message);
  }
}
