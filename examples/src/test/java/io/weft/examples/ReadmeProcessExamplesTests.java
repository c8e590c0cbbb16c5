package io.weft.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncCallable;
import io.weft.Weft;
import io.weft.process.Process;
import io.weft.process.ProcessOptions;
import io.weft.process.Stdio;
import io.weft.process.Subprocesses;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "Subprocesses" blocks, verbatim: communicate through {@code tr}, a line through {@code cat}, and a
 * simulated run with {@code cat} and its replay.
 */
class ReadmeProcessExamplesTests {

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void readmeSubprocesses() {
    Process.Output out = Weft.run(() -> {
      Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().allPiped(), "tr", "a-z", "A-Z");
      return p.communicate("hello\n".getBytes(UTF_8)); // writes, reads stdout and stderr at once, then waits
    });
    // new String(out.stdout(), UTF_8) is "HELLO\n"; out.stderr() is empty
    assertThat(new String(out.stdout(), UTF_8)).isEqualTo("HELLO\n");
    assertThat(out.stderr()).isEmpty();

    int code = Weft.run(() -> {
      Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE), "cat");
      p.stdin().write("one line\n".getBytes(UTF_8));
      p.stdin().drain();                       // a StreamWriter: waits while the pipe's buffer is over 64 KiB
      byte[] line = p.stdout().readLine();     // a StreamReader
      assertThat(new String(line, UTF_8)).isEqualTo("one line\n");
      p.stdin().close();
      return p.waitFor();                      // asyncio's wait(): 0
    });
    assertThat(code).isZero();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void readmeSubprocessReplay() {
    AsyncCallable<String> askCat = () -> {
      Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE), "cat");
      p.stdin().write("ping\n".getBytes(UTF_8));
      byte[] line = p.stdout().readLine();
      p.stdin().close();
      return new String(line, UTF_8).trim() + " " + p.waitFor();
    };
    SimResult<String> run = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 42), askCat);
    SimResult<String> again = Simulation.run(run.replay(), askCat); // takes cat's output in the recorded pieces
    // run.value() and again.value() are "ping 0", with one trace hash; run.replay() ends with the observations
    assertThat(run.value()).as("%s", run.failure()).isEqualTo("ping 0");
    assertThat(again.value()).as("%s", again.failure()).isEqualTo("ping 0");
    assertThat(again.traceHash()).isEqualTo(run.traceHash());
    assertThat(run.replay().world()).isNotEmpty();
    assertThat(Schedule.parse(run.replay().toString())).as("the printed replay line, read back").isEqualTo(run.replay());
  }
}
