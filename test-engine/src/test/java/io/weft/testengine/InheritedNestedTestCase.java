package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/**
 * Fixture (run only through EngineTestKit): an abstract contract test with a {@code @Nested} class holding the racy
 * check-then-act of {@link RacyTestCase}, run through a concrete subclass. The fresh re-runs must select the nested
 * class under the subclass JUnit ran it in, not under the abstract class that declares it.
 */
abstract class InheritedNestedTestCase {

  /** How long the race's window is: set by the concrete subclass. */
  abstract int gap();

  @Nested
  class Contract {

    @AsyncTest(schedules = 20, seed = "7")
    void checkThenAct(EventLoop loop) {
      for (int i = 0; i < 4; i++) {
        Weft.sleep(Duration.ofMillis(1));
      }
      boolean[] closed = {false};
      loop.callLater(Duration.ofNanos(1000), () -> closed[0] = true);
      if (!closed[0]) {
        for (int i = 0; i < gap(); i++) {
          Weft.sleep(Duration.ZERO);
        }
        assertThat(closed[0]).as("closed between the check and the act").isFalse();
      }
      Weft.sleep(Duration.ofMillis(1));
    }
  }

  /** The concrete test class. */
  static class Implementation extends InheritedNestedTestCase {
    @Override
    int gap() {
      return 2;
    }
  }
}
