package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Simulation;
import io.weft.sync.Queue;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixture (run only through EngineTestKit): a server task started by an {@code @AsyncBeforeEach} method on the test's
 * own loop and stopped by an {@code @AsyncAfterEach} method, so the run leaks no task.
 */
class LoopSetupTestCase {

  final List<String> events = new ArrayList<>();
  Queue<String> requests;
  Queue<String> replies;
  Task<Void> server;

  @AsyncBeforeEach
  void startServer(Simulation simulation) {
    events.add("before on a simulated loop: " + Simulation.isSimulated() + ", same loop: "
        + (simulation.loop() == Weft.getRunningLoop()));
    requests = new Queue<>();
    replies = new Queue<>();
    server = Weft.createTask(() -> {
      while (true) {
        String r = requests.get();
        replies.put(r.toUpperCase(java.util.Locale.ROOT));
      }
    });
  }

  @AsyncAfterEach
  void stopServer() {
    events.add("after");
    server.cancel();
    try {
      server.await();
    } catch (io.weft.CancelledError expected) {
      // the server ends by cancellation
    }
    assertThat(events).containsExactly("before on a simulated loop: true, same loop: true", "test", "after");
  }

  @AsyncTest(schedules = 3)
  void talksToTheServer() {
    events.add("test");
    requests.put("ping");
    assertThat(replies.get()).isEqualTo("PING");
  }
}
