package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;

/** Fixture (run only through EngineTestKit): the racy method, pinned to a schedule by the replay attribute. */
class ReplayTestCase {

  /** A replay whose first EARLY choice lets the timer in between the check and the act. */
  static final String SCHEDULE = "weft:1:FAITHFUL:REPLAY:0:1000000:1000000:1";

  @AsyncTest(replay = SCHEDULE)
  void checkThenAct(EventLoop loop) {
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
