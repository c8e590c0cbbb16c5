package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Fixture (run only through EngineTestKit, in parallel mode): two methods whose simulations must be running at the
 * same time, each on its own loop. Each declares real work whose thread meets the other method's at a barrier, then
 * reports back with callSoonThreadsafe; run one after the other, the barrier times out and both fail.
 */
class ParallelTestCase {

  static final CyclicBarrier MEETING = new CyclicBarrier(2);

  static String meet(EventLoop loop) {
    Future<String> met = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork("a thread meeting the other test");
    Thread.ofPlatform().start(() -> {
      String outcome;
      try {
        MEETING.await(10, TimeUnit.SECONDS);
        outcome = "met";
      } catch (Exception e) {
        outcome = "alone: " + e;
      }
      String o = outcome;
      loop.callSoonThreadsafe(() -> {
        work.close();
        met.setResult(o);
      });
    });
    Weft.sleep(Duration.ofMillis(1)); // virtual time stands still while the real work is in flight
    return met.await();
  }

  @AsyncTest(schedules = 1)
  void first(EventLoop loop) {
    assertThat(meet(loop)).isEqualTo("met");
  }

  @AsyncTest(schedules = 1)
  void second(EventLoop loop) {
    assertThat(meet(loop)).isEqualTo("met");
  }
}
