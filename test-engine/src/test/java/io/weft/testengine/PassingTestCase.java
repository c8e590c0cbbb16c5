package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.Simulation;
import io.weft.spi.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.TestInfo;

/** Fixture (run only through EngineTestKit): passes under every schedule, and checks what is injected. */
class PassingTestCase {

  @AsyncTest(schedules = 5)
  void twoSleepers_alwaysPass() throws Exception {
    Task<Integer> a = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(5), 1));
    Task<Integer> b = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(3), 2));
    assertThat(a.await() + b.await()).isEqualTo(3);
  }

  @AsyncTest(schedules = 3)
  void injected(EventLoop loop, VirtualClock clock, Simulation simulation, Schedule schedule, TestInfo info) {
    assertThat(loop).isSameAs(Weft.getRunningLoop()).isSameAs(simulation.loop());
    assertThat(clock).isSameAs(simulation.clock());
    assertThat(schedule).isEqualTo(simulation.schedule());
    assertThat(info.getTestMethod()).isPresent();
    long before = clock.nanoTime();
    Weft.sleep(Duration.ofSeconds(3600));
    assertThat(clock.nanoTime() - before).isGreaterThanOrEqualTo(3600_000_000_000L);
    assertThat(loop.time()).isGreaterThanOrEqualTo(3600.0);
  }
}
