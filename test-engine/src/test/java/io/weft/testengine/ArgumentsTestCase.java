package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;
import java.util.stream.Stream;

/** Fixture (run only through EngineTestKit): argument sets from a factory, with the loop injected after them. */
class ArgumentsTestCase {

  static Stream<Object[]> delays() {
    return Stream.of(new Object[] {1, "one"}, new Object[] {2, "two"}, new Object[] {3, "three"});
  }

  static int[] racyGaps() {
    return new int[] {0, 2};
  }

  @AsyncTest(schedules = 2)
  @AsyncArguments("delays")
  void sleepsItsDelay(int millis, String name, EventLoop loop) {
    double before = loop.time();
    Weft.sleep(Duration.ofMillis(millis));
    assertThat(loop.time() - before).isGreaterThanOrEqualTo(millis / 1000.0);
    assertThat(name).isNotBlank();
  }

  /** With a gap of 0 ready steps nothing can come between the check and the act; with 2 a timer can. */
  @AsyncTest(schedules = 20, seed = "7")
  @AsyncArguments("racyGaps")
  void checkThenAct(int gap, EventLoop loop) {
    boolean[] closed = {false};
    loop.callLater(Duration.ofNanos(1000), () -> closed[0] = true);
    if (!closed[0]) {
      for (int i = 0; i < gap; i++) {
        Weft.sleep(Duration.ZERO);
      }
      assertThat(closed[0]).as("closed between the check and the act").isFalse();
    }
    Weft.sleep(Duration.ofMillis(1));
  }

  static int[] bothRacy() {
    return new int[] {2, 3};
  }

  /** {@link #checkThenAct} with two racy gaps: each argument set has a schedule-dependent failure of its own. */
  @AsyncTest(schedules = 20, seed = "7")
  @AsyncArguments("bothRacy")
  void checkThenActBothRacy(int gap, EventLoop loop) {
    checkThenAct(gap, loop);
  }
}
