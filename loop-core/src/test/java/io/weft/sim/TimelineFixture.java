package io.weft.sim;

import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run with one deviation that fails: alice and bob sleep 1 ms each (their timers fall due together), the strategy
 * runs bob's timer first (a TIE deviation), and main fails because bob finished first.
 */
final class TimelineFixture {

  private TimelineFixture() {}

  /** Chooses 1 at the first TIE and 0 everywhere else. */
  static final class SwapFirstTie implements SchedulingStrategy {
    private boolean done;

    @Override
    public int choose(ChoicePoint point) {
      if (!done && point.decision() == Decision.TIE) {
        done = true;
        return 1;
      }
      return 0;
    }

    @Override
    public String name() {
      return "SWAP-FIRST-TIE";
    }
  }

  static String program() {
    List<String> order = new ArrayList<>();
    Task<Object> alice = Weft.createTask(() -> {
      Weft.sleep(Duration.ofMillis(1));
      order.add("alice");
      return null;
    }, "alice", null);
    Task<Object> bob = Weft.createTask(() -> {
      Weft.sleep(Duration.ofMillis(1));
      order.add("bob");
      return null;
    }, "bob", null);
    alice.await();
    bob.await();
    if (!order.equals(List.of("alice", "bob"))) {
      throw new AssertionError("bob finished before alice: " + order);
    }
    return String.join(",", order);
  }

  /** The failing run. */
  static SimResult<String> failingRun() {
    return Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS, new SwapFirstTie(), TimelineFixture::program);
  }
}
