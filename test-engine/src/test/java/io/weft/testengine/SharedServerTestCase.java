package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fixture (run only through EngineTestKit): the racy check-then-act of {@link RacyTestCase}, with a server shared by
 * the class through a static field, opened by a static {@code @BeforeAll} and closed by a static {@code @AfterAll}.
 * The fresh re-runs that confirm and shrink a failure share the class's static state with the outer run, so they
 * must not close the server the outer run's later schedules still use.
 */
class SharedServerTestCase {

  static volatile boolean serverOpen;
  static int opened;

  @BeforeAll
  static void openServer() {
    serverOpen = true;
    opened++;
  }

  @AfterAll
  static void closeServer() {
    serverOpen = false;
  }

  @AsyncTest(schedules = 20, seed = "7")
  void checkThenAct(EventLoop loop) {
    assertThat(serverOpen).as("the server @BeforeAll opened").isTrue();
    for (int i = 0; i < 4; i++) {
      Weft.sleep(Duration.ofMillis(1));
    }
    boolean[] closed = {false};
    loop.callLater(Duration.ofNanos(1000), () -> closed[0] = true);
    if (!closed[0]) {
      Weft.sleep(Duration.ZERO);
      Weft.sleep(Duration.ZERO);
      assertThat(closed[0]).as("closed between the check and the act").isFalse();
    }
    Weft.sleep(Duration.ofMillis(1));
  }
}
