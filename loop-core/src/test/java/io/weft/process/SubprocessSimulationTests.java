package io.weft.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subprocesses in a simulation: the pipes' bytes and the exit are declared real work, so where they enter the loop is
 * the schedule's choice, recorded and replayed, not the threads' timing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessSimulationTests {

  /** Two children; the order in which their outputs and exits are seen is the schedule's. */
  static String twoChildren() throws Exception {
    StringBuilder order = new StringBuilder();
    SubprocessLifecycleTests.Recording a = new SubprocessLifecycleTests.Recording(EventLoop.getRunningLoop());
    SubprocessLifecycleTests.Recording b = new SubprocessLifecycleTests.Recording(EventLoop.getRunningLoop());
    ProcessOptions out = ProcessOptions.defaults().stdout(Stdio.PIPE);
    var ca = Subprocesses.subprocessExec(() -> a, out, "echo", "a");
    var cb = Subprocesses.subprocessExec(() -> b, out, "echo", "b");
    a.lost.await();
    b.lost.await();
    ca.transport().close();
    cb.transport().close();
    order.append(a.events).append(b.events);
    return order.toString();
  }

  @Test
  void aChildsOutputAndExit_replayExactly_andTheScheduleDecidesTheirOrder() {
    Set<String> seen = new HashSet<>();
    for (long seed = 1; seed <= 8; seed++) {
      SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed),
          SubprocessSimulationTests::twoChildren);
      assertThat(r.passed()).as("seed %d: %s", seed, r.failure()).isTrue();
      SimResult<String> again = Simulation.run(r.replay(), SubprocessSimulationTests::twoChildren);
      assertThat(again.passed()).as("replay of seed %d: %s", seed, again.failure()).isTrue();
      assertThat(again.value()).as("seed %d replayed", seed).isEqualTo(r.value());
      assertThat(again.traceHash()).as("seed %d replayed", seed).isEqualTo(r.traceHash());
      for (String child : r.value().split("\\]\\[")) {
        assertThat(child.indexOf("exited:0")).as("seed %d, in a simulation the exit enters after the EOF: %s", seed,
            child).isGreaterThan(child.indexOf("pipeLost1"));
      }
      seen.add(r.value());
    }
    assertThat(seen).as("orders seen").isNotEmpty();
  }

  @Test
  void communicate_inASimulation_getsEveryByte_andVirtualTimeHoldsWhileTheChildRuns() {
    AsyncCallable<String> program = () -> {
      double t0 = EventLoop.getRunningLoop().time();
      Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().allPiped(), "cat; echo done >&2");
      Process.Output o = p.communicate("x".repeat(300_000).getBytes(UTF_8));
      Weft.sleep(Duration.ofSeconds(5));
      return o.stdout().length + " " + new String(o.stderr(), UTF_8).trim() + " " + p.returncode() + " "
          + (EventLoop.getRunningLoop().time() - t0);
    };
    SimResult<String> r = Simulation.run(Schedule.fifo(), program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("300000 done 0 5.0");
  }
}
