package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixture (run only through EngineTestKit): a config loaded on a real thread and handed back the documented way,
 * with an order-dependent bug: the loader's callback assumes the test registered as a listener first, which holds
 * only if the thread is slower than the warm-up's two iterations. FIFO (results enter when the loop falls idle)
 * passes; a schedule that delivers the result while the loop is busy fails, and replays.
 */
class RealWorkTestCase {

  static List<String> configLoad(EventLoop loop) {
    List<String> log = new ArrayList<>();
    Future<String> loaded = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork("load the config");
    Thread.ofPlatform().name("config-loader").start(() -> {
      String config = "config-v2"; // the real work
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
    return log;
  }

  @AsyncTest(schedules = 10, seed = "3")
  void configIsLoadedAfterTheListenerRegisters(EventLoop loop) {
    assertThat(configLoad(loop).get(0)).as("what happened first").isEqualTo("listening");
  }
}
