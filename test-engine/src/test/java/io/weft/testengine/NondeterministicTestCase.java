package io.weft.testengine;

import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Fixture (run only through EngineTestKit): each run takes one more step than the last, whatever the schedule. */
class NondeterministicTestCase {

  private static final AtomicInteger RUNS = new AtomicInteger();

  @AsyncTest(schedules = 1, selfCheck = true)
  void dependsOnAStaticCounter() {
    int extra = RUNS.incrementAndGet() % 2;
    for (int i = 0; i < extra; i++) {
      Weft.sleep(Duration.ZERO);
    }
  }
}
