package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixture (run only through EngineTestKit): the racy check-then-act of {@link RacyTestCase} in an inner
 * {@code @Nested} class with a per-class lifecycle, taking JUnit's own {@code TestInfo} and {@code @TempDir}
 * parameters besides the loop. Confirming and shrinking its failure needs every fresh re-run to work.
 */
class LifecycleTestCase {

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Inner {

    @AsyncTest(schedules = 20, seed = "7")
    void checkThenAct(EventLoop loop, TestInfo info, @TempDir Path dir) throws Exception {
      assertThat(info.getTestMethod()).isPresent();
      Files.writeString(dir.resolve("f"), "x");
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
}
