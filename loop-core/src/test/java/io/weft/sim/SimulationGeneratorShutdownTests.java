package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncGenerator;
import io.weft.AsyncIterator;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run closes the async generators its main left open, as {@code asyncio.run} does with {@code shutdown_asyncgens}:
 * a generator iterated part way is not a leaked task (asyncio reports nothing for it), its {@code finally} blocks run,
 * and an error from closing it, or a task its closing starts and leaves behind, is still reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulationGeneratorShutdownTests {

  private static AsyncGenerator<Integer> counting(List<String> log) {
    return AsyncGenerator.of(out -> {
      try {
        for (int i = 1; i <= 3; i++) {
          out.yield(i);
        }
      } finally {
        Weft.sleep(Duration.ofMillis(5)); // awaiting in finally, as an aclose() may
        log.add("finally ran");
      }
    });
  }

  @Test
  void aGeneratorLeftOpenIsClosedNotReportedAsALeak() {
    List<String> log = new ArrayList<>();
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      AsyncIterator<Integer> it = counting(log).iterator();
      return it.next(); // one item of three, and main returns with the generator still at its yield
    });
    assertThat(r.failure()).as("%s", r.failure()).isNull();
    assertThat(r.value()).isEqualTo(1);
    assertThat(log).containsExactly("finally ran");
  }

  @Test
  void closingIsPartOfTheScheduleAndReplays() {
    for (long seed = 1; seed <= 5; seed++) {
      List<String> log = new ArrayList<>();
      SimResult<Integer> first = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", seed), () -> counting(log).iterator().next());
      SimResult<Integer> replay = Simulation.run(first.replay(), () -> counting(new ArrayList<>()).iterator().next());
      assertThat(first.failure()).isNull();
      assertThat(replay.trace().hash()).isEqualTo(first.trace().hash());
    }
  }

  @Test
  void anErrorWhileClosingStillFailsTheRun() {
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
        try {
          out.yield(1);
          out.yield(2);
        } finally {
          throw new IllegalStateException("cleanup broke");
        }
      });
      return g.iterator().next();
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.CALLBACK_EXCEPTION);
    assertThat(r.failure().getMessage()).contains("an error occurred during closing of asynchronous generator")
        .contains("cleanup broke");
  }

  @Test
  void aTaskTheClosingLeavesBehindIsALeak() {
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
        try {
          out.yield(1);
          out.yield(2);
        } finally {
          Weft.createTask(() -> {
            Weft.sleep(Duration.ofHours(1));
            return null;
          }, "left by the finally", null);
        }
      });
      return g.iterator().next();
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.LEAKED_TASKS);
    assertThat(r.failure().getMessage()).contains("left by the finally");
  }

  @Test
  void aLeakedTaskBesideAnOpenGeneratorIsStillReported() {
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      Weft.createTask(() -> {
        Weft.sleep(Duration.ofHours(1));
        return null;
      }, "orphan", null);
      return counting(new ArrayList<>()).iterator().next();
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.LEAKED_TASKS);
    assertThat(r.failure().getMessage()).contains("orphan").doesNotContain("AsyncGenerator");
  }
}
