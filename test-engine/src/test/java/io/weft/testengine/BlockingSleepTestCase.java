package io.weft.testengine;

import io.weft.Weft;
import java.time.Duration;

/** Fixture (run only through EngineTestKit): a task that makes a blocking call, the classic asyncio mistake. */
class BlockingSleepTestCase {

  @AsyncTest(schedules = 2)
  void sleepsTheThread() throws InterruptedException {
    Weft.sleep(Duration.ofMillis(1));
    Thread.sleep(5); // blocks the loop: the loop-scheduled carrier reports it, the fallback cannot
  }
}
