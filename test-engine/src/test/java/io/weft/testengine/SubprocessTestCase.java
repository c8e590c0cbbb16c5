package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.process.Process;
import io.weft.process.ProcessOptions;
import io.weft.process.Stdio;
import io.weft.process.Subprocesses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixture (run only through EngineTestKit): a child says "ready" in two writes, and the program assumes a watcher
 * task got going first, which holds only if the child's words enter after the watcher's two steps. FIFO (a child's
 * output enters when the loop falls idle) passes; a schedule that lets the words in while the loop is busy fails, and
 * its replay hands the program the same pieces again.
 */
class SubprocessTestCase {

  static List<String> readyCheck(EventLoop loop) throws Exception {
    List<String> log = new ArrayList<>();
    Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults().stdout(Stdio.PIPE),
        "printf re; printf 'ady\\n'");
    Task<Void> watcher = Weft.createTask(() -> {
      Weft.sleep(Duration.ZERO);
      Weft.sleep(Duration.ZERO);
      log.add("watching");
      return null;
    }, "watcher", null);
    StringBuilder said = new StringBuilder();
    while (!said.toString().endsWith("\n")) {
      byte[] piece = p.stdout().read(100);
      said.append(new String(piece, StandardCharsets.UTF_8));
      log.add("piece " + piece.length);
    }
    log.add(log.contains("watching") ? "ready" : "ready before anyone watched");
    p.waitFor();
    watcher.await();
    return log;
  }

  @AsyncTest(schedules = 10, seed = "3")
  void theChildIsHeardAfterTheWatcherStarts(EventLoop loop) throws Exception {
    List<String> log = readyCheck(loop);
    assertThat(log).as("what happened").contains("ready");
  }
}
