package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;

/**
 * Fixture (run only through EngineTestKit): a {@code @BeforeEach} that works only once (a port already bound, a
 * one-time token), and a test that fails under every schedule. The fresh re-runs cannot run, so the report must still
 * be the test's own failure, saying why it was not confirmed, not an exception about the re-run that hides it.
 */
class UnrepeatableSetupTestCase {

  static final AtomicInteger SETUPS = new AtomicInteger();

  @BeforeEach
  void bindOnce() {
    if (SETUPS.incrementAndGet() > 1) {
      throw new IllegalStateException("port 8080 already bound by an earlier instance");
    }
  }

  @AsyncTest(schedules = 1)
  void fails() {
    Weft.sleep(Duration.ofMillis(1));
    assertThat(41).as("the answer").isEqualTo(42);
  }
}
