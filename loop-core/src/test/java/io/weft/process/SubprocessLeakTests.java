package io.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The long leak check: a thousand children started and awaited, then this JVM's file descriptors, children and
 * zombies counted. Tagged {@code slow-leak}: it takes some seconds (a few milliseconds a child).
 */
@Tag("slow-leak")
class SubprocessLeakTests {

  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Children of this JVM that are zombies (state Z in /proc/PID/stat): exited and not reaped. */
  static List<Long> zombies() throws IOException {
    long me = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              String stat = Files.readString(p.resolve("stat"));
              String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              return after[0].equals("Z") && Long.parseLong(after[1]) == me;
            } catch (IOException | RuntimeException gone) {
              return false; // exited meanwhile
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    }
  }

  static void cycles(int n) {
    Weft.run(() -> {
      for (int i = 0; i < n; i++) {
        switch (i % 3) {
          case 0 -> Subprocesses.createSubprocessExec(ProcessOptions.defaults().allPiped(), "true").communicate(null);
          case 1 -> Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdout(Stdio.PIPE), "true").waitFor();
          default -> Subprocesses.createSubprocessShell(ProcessOptions.defaults().stdin(Stdio.DEVNULL)
              .stdout(Stdio.DEVNULL).stderr(Stdio.STDOUT), "exit 0").waitFor();
        }
      }
      return null;
    });
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void thousandSpawnAndWaitCycles_leaveNoFileDescriptorsChildrenOrZombies() throws Exception {
    cycles(30); // warm-up: the pipe threads' pool, the JDK's reaper and launcher are made once
    long fdsBefore = openFds();
    long childrenBefore = ProcessHandle.current().children().count();

    cycles(1000);

    // The JDK reaps a child on its reaper thread right after its exit, which the loop may have seen first: give it
    // a moment, then insist.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((ProcessHandle.current().children().count() > childrenBefore || !zombies().isEmpty()
        || openFds() > fdsBefore) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.current().children().count()).as("children left").isLessThanOrEqualTo(childrenBefore);
    assertThat(zombies()).as("zombies left").isEmpty();
    assertThat(openFds()).as("file descriptors open after 1000 children (before: %d)", fdsBefore)
        .isLessThanOrEqualTo(fdsBefore);
  }
}
