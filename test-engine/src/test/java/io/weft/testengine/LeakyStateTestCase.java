package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixture (run only through EngineTestKit): fails on every other run whatever the schedule, because a static counter
 * carries state from one run to the next. A report must say it did not reproduce, not shrink it or save it.
 */
class LeakyStateTestCase {

  static final AtomicInteger RUNS = new AtomicInteger();

  @AsyncTest(schedules = 1)
  void failsOnOddRuns() {
    Weft.sleep(Duration.ofMillis(1));
    assertThat(RUNS.incrementAndGet() % 2).as("runs so far, modulo 2").isZero();
  }
}
