package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;

/**
 * Fixture (run only through EngineTestKit): a check-then-act across one loop iteration, racing a timer 1 µs away.
 * asyncio's own order (a busy iteration takes no virtual time) never lets the timer in between, so FIFO passes; a
 * schedule that makes the iteration take a while (an EARLY choice of 1) lets it in, and the act sees the change.
 * The sleeps before it add choices that do not matter, so the original failing schedules have several deviations
 * and the shrunk one has exactly one.
 */
class RacyTestCase {

  @AsyncTest(schedules = 20, seed = "7")
  void checkThenAct(EventLoop loop) {
    for (int i = 0; i < 4; i++) {
      Weft.sleep(Duration.ofMillis(1)); // idle wake-ups: LATE choices that do not matter, for shrinking to drop
    }
    boolean[] closed = {false};
    loop.callLater(Duration.ofNanos(1000), () -> closed[0] = true);
    if (!closed[0]) {
      Weft.sleep(Duration.ZERO); // two ready steps between the check and the act: asyncio runs them back to back
      Weft.sleep(Duration.ZERO);
      assertThat(closed[0]).as("closed between the check and the act").isFalse();
    }
    Weft.sleep(Duration.ofMillis(1));
  }
}
