package io.weft.sim;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Programs that hand work to real threads, for {@link RealWorkTests} and the second JVM of {@link SimHashMain}. */
final class RealWorkPrograms {

  private RealWorkPrograms() {}

  /**
   * The cross-thread fixture: a config loaded on a real thread, handed back the documented way
   * ({@code callSoonThreadsafe(() -> { work.close(); ... })}), with an order-dependent bug: the loader's callback
   * assumes that the main task registered as a listener first, which holds only if the thread is slower than the
   * warm-up's two iterations. Fails with "loaded before anyone listened".
   */
  static List<String> configLoad() {
    EventLoop loop = Weft.getRunningLoop();
    List<String> log = new ArrayList<>();
    Future<String> loaded = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork("load the config");
    Thread.ofPlatform().name("config-loader").start(() -> {
      String config = "config-v" + (1 + 1); // the real work
      loop.callSoonThreadsafe(() -> {
        work.close();
        log.add(log.contains("listening") ? "loaded" : "loaded before anyone listened");
        loaded.setResult(config);
      });
    });
    Task<Void> warmUp = Weft.createTask(() -> {
      Weft.sleep(Duration.ZERO);
      Weft.sleep(Duration.ZERO);
      return null;
    }, "warm-up", null);
    warmUp.await();
    log.add("listening");
    log.add(loaded.await());
    if (!log.get(0).equals("listening")) {
      throw new AssertionError("the config was " + log.get(0) + ": " + log);
    }
    return log;
  }

  /**
   * Two works of very different real durations (30 ms and 1 ms) and a busy task beside them; returns the order in
   * which their results entered the loop, and how many steps the busy task had made by then.
   */
  static String twoWorkers() {
    EventLoop loop = Weft.getRunningLoop();
    StringBuilder order = new StringBuilder();
    int[] ticks = {0};
    Task<Void> busy = Weft.createTask(() -> {
      for (int i = 0; i < 6; i++) {
        ticks[0]++;
        Weft.sleep(Duration.ZERO);
      }
      return null;
    }, "busy", null);
    Future<Void> slow = worker(loop, "slow", 30, order, ticks);
    Future<Void> quick = worker(loop, "quick", 1, order, ticks);
    slow.await();
    quick.await();
    busy.await();
    return order.toString().strip();
  }

  private static Future<Void> worker(EventLoop loop, String name, long millis, StringBuilder order, int[] ticks) {
    Future<Void> done = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork(name);
    Thread.ofPlatform().name(name).start(() -> {
      pause(millis);
      work.complete(() -> {
        order.append(name).append('@').append(ticks[0]).append(' ');
        done.setResult(null);
      });
    });
    return done;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
