package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;

/**
 * Fixture (run only through EngineTestKit): {@code @AsyncBeforeEach}/{@code @AsyncAfterEach} methods of an enclosing
 * class apply to the {@code @AsyncTest} methods of its {@code @Nested} classes, outermost first before and last after,
 * as JUnit does with {@code @BeforeEach}/{@code @AfterEach}.
 */
class NestedSetupTestCase {

  final List<String> events = new ArrayList<>();

  @AsyncBeforeEach
  void outerBefore() {
    events.add("outer before");
  }

  @AsyncAfterEach
  void outerAfter() {
    events.add("outer after");
    assertThat(events).containsExactly("outer before", "inner before", "test", "inner after", "outer after");
  }

  @Nested
  class Inner {

    @AsyncBeforeEach
    void innerBefore() {
      events.add("inner before");
    }

    @AsyncAfterEach
    void innerAfter() {
      events.add("inner after");
    }

    @AsyncTest(schedules = 2)
    void seesTheOuterSetup() {
      Weft.sleep(Duration.ofMillis(1));
      assertThat(events).containsExactly("outer before", "inner before");
      events.add("test");
    }
  }
}
