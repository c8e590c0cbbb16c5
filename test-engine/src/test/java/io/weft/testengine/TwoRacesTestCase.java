package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;

/**
 * Fixture (run only through EngineTestKit): a bug that needs two unlucky timings. Two rounds of a check-then-act
 * across a busy iteration race a timer 1 µs away (as in {@link RacyTestCase}); the test fails only if both rounds
 * lose, so the least failing schedule has two EARLY deviations, and only running every one-deviation schedule shows
 * that one is not enough.
 */
class TwoRacesTestCase {

  @AsyncTest(schedules = 10, seed = "7")
  void notBothRaced(EventLoop loop) {
    for (int i = 0; i < 2; i++) {
      Weft.sleep(Duration.ofMillis(1)); // idle wake-ups: LATE choices that do not matter
    }
    int raced = 0;
    for (int round = 0; round < 2; round++) {
      boolean[] closed = {false};
      loop.callLater(Duration.ofNanos(1000), () -> closed[0] = true);
      if (!closed[0]) {
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ZERO);
        raced += closed[0] ? 1 : 0;
      }
      Weft.sleep(Duration.ofMillis(1));
    }
    assertThat(raced).as("rounds that lost the race").isLessThan(2);
  }
}
