package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.time.Duration;

/** Fixture (run only through EngineTestKit): fails under every schedule, asyncio's own order included. */
class FifoFailingTestCase {

  @AsyncTest(schedules = 3)
  void alwaysFails() {
    Weft.sleep(Duration.ofMillis(1));
    assertThat(1 + 1).as("arithmetic").isEqualTo(3);
  }
}
