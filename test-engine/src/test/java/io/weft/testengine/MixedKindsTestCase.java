package io.weft.testengine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fixture (run only through EngineTestKit): @AsyncTest together with @ParameterizedTest, which is refused. */
class MixedKindsTestCase {

  @AsyncTest(schedules = 2)
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void both(int value) {
    // never runs as an @AsyncTest: the combination is an error
  }
}
