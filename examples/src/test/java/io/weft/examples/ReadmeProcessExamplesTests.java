package io.weft.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.process.Process;
import io.weft.process.ProcessOptions;
import io.weft.process.Stdio;
import io.weft.process.Subprocesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Subprocesses" block, verbatim: communicate through {@code tr}, and a line through {@code cat}. */
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
}
