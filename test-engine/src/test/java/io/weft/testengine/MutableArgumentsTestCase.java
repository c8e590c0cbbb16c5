package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fixture (run only through EngineTestKit): argument sets holding a mutable object that each run changes. Every run,
 * the fresh re-runs included, must get its own objects, as it gets its own test instance.
 */
class MutableArgumentsTestCase {

  static Stream<Object> emptyLists() {
    return Stream.of(new ArrayList<String>());
  }

  @AsyncTest(schedules = 3)
  @AsyncArguments("emptyLists")
  void addsOne(List<String> list) {
    list.add("x");
    Weft.sleep(Duration.ofMillis(1));
    assertThat(list).as("the list this run was given").hasSize(1);
  }

  @AsyncTest(schedules = 1)
  @AsyncArguments("emptyLists")
  void alwaysFails(List<String> list) {
    list.add("x");
    Weft.sleep(Duration.ofMillis(1));
    assertThat(list).as("a list that never holds two").hasSize(2);
  }

  static Stream<Object> twoNames() {
    return Stream.of("first", "second");
  }

  /** Fails under every schedule for both argument sets: with weft.afterFailure=continue, two reports of one seed. */
  @AsyncTest(schedules = 1)
  @AsyncArguments("twoNames")
  void failsForEveryName(String name) {
    Weft.sleep(Duration.ofMillis(1));
    assertThat(name).as("a name that is never given").isEqualTo("third");
  }
}
