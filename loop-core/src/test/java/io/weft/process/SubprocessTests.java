package io.weft.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * asyncio's subprocess behaviours (spec SP-01, SP-02; test_subprocess.py::SubprocessMixin): exec and shell, pipes,
 * DEVNULL and STDOUT, cwd and env, returncodes, communicate without deadlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessTests {

  static final ProcessOptions PIPES = ProcessOptions.defaults().allPiped();

  static String text(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  @Nested
  class Starting {

    @Test
    void shell_exit7_waitReturns7() {
      int code = Weft.run(() -> Subprocesses.createSubprocessShell(ProcessOptions.defaults(), "exit 7").waitFor());
      assertThat(code).isEqualTo(7);
    }

    @Test
    void exec_passesArgumentsUnsplit_andReadsStdout() {
      String out = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(PIPES, "printf", "%s|", "a b", "c");
        byte[] data = p.stdout().read(-1);
        assertThat(p.waitFor()).isZero();
        return text(data);
      });
      assertThat(out).isEqualTo("a b|c|");
    }

    @Test
    void stdin_isAWriterWithNoConnection_soStartTlsRefusesIt_byName_andTheChildRunsOn() {
      int code = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(PIPES, "cat");
        assertThat(p.stdin().transport()).as("no connection under a pipe").isNull();
        assertThatThrownBy(() -> io.weft.net.tls.Tls.startTls(p.stdin(),
            io.weft.net.tls.TlsOptions.client(javax.net.ssl.SSLContext.getDefault())))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subprocess pipe cannot speak TLS");
        p.stdin().write("still open\n".getBytes(UTF_8));
        assertThat(text(p.stdout().readLine())).isEqualTo("still open\n");
        p.stdin().close();
        return p.waitFor();
      });
      assertThat(code).isZero();
    }

    @Test
    void returncode_isNullWhileRunning_thenTheExitStatus() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES, "read line; exit 3");
        Integer before = p.returncode();
        p.stdin().write("go\n".getBytes(UTF_8));
        p.stdin().close();
        int code = p.waitFor();
        return before + " " + code + " " + p.returncode();
      });
      assertThat(got).isEqualTo("null 3 3");
    }

    @Test
    void waitFor_withAStdinPipeNobodyCloses_returnsOnceTheChildExits() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(PIPES, "true");
        int code = p.waitFor();
        return code + " " + p.stdin().isClosing();
      });
      assertThat(got).isEqualTo("0 true");
    }

    @Test
    void aMissingProgram_raisesIOExceptionNamingIt_andLeavesNothingRunning() {
      long before = ProcessHandle.current().children().count();
      assertThatThrownBy(() -> Weft.run(() -> Subprocesses.createSubprocessExec(PIPES, "/no/such/program-xyz")))
          .isInstanceOf(IOException.class).hasMessageContaining("/no/such/program-xyz");
      assertThat(ProcessHandle.current().children().count()).isEqualTo(before);
    }

    @Test
    void aMissingDirectory_raisesIOException_andLeavesNothingRunning(@TempDir Path dir) {
      Path missing = dir.resolve("not-here");
      long before = ProcessHandle.current().children().count();
      assertThatThrownBy(() -> Weft.run(() -> Subprocesses.createSubprocessExec(PIPES.cwd(missing), "true")))
          .isInstanceOf(IOException.class).hasMessageContaining("not-here");
      assertThat(ProcessHandle.current().children().count()).isLessThanOrEqualTo(before);
    }

    @Test
    void cwdAndEnv_reachTheChild(@TempDir Path dir) throws Exception {
      Path real = dir.toRealPath();
      String out = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(
            PIPES.cwd(real).env(Map.of("WEFT_X", "forty-two", "PATH", "/usr/bin:/bin")),
            "pwd; echo \"$WEFT_X\"; echo \"${HOME:-unset}\"");
        return text(p.communicate(null).stdout());
      });
      assertThat(out).isEqualTo(real + "\nforty-two\nunset\n");
    }

    @Test
    void pid_isTheChildsProcessId() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES, "echo $$");
        String printed = text(p.communicate(null).stdout()).trim();
        return printed + "=" + p.pid();
      });
      String[] parts = got.split("=");
      assertThat(parts[0]).isEqualTo(parts[1]);
    }

    @Test
    void options_refuseStdoutForStdinOrStdout_andABadLimit() {
      assertThatThrownBy(() -> ProcessOptions.defaults().stdout(Stdio.STDOUT))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stdout=STDOUT");
      assertThatThrownBy(() -> ProcessOptions.defaults().limit(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }
  }

  @Nested
  class Streams {

    @Test
    void communicate_returnsStdoutAndStderrApart() {
      Process.Output out = Weft.run(() -> Subprocesses.createSubprocessShell(PIPES, "echo out; echo err >&2")
          .communicate(null));
      assertThat(text(out.stdout())).isEqualTo("out\n");
      assertThat(text(out.stderr())).isEqualTo("err\n");
    }

    @Test
    void stderrToStdout_mergesIntoOneStream_andStderrIsNull() {
      Process.Output out = Weft.run(() -> Subprocesses.createSubprocessShell(
          PIPES.stderr(Stdio.STDOUT), "echo one; echo two >&2; echo three").communicate(null));
      assertThat(text(out.stdout())).isEqualTo("one\ntwo\nthree\n");
      assertThat(out.stderr()).isNull();
    }

    @Test
    void communicate_givesNullForStreamsThatAreNotPipes() {
      Process.Output out = Weft.run(() -> Subprocesses.createSubprocessShell(
          ProcessOptions.defaults().stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL), "echo hidden").communicate(null));
      assertThat(out.stdout()).isNull();
      assertThat(out.stderr()).isNull();
    }

    @Test
    void devnullInput_givesTheChildAnEmptyStdin() {
      String out = Weft.run(() -> text(Subprocesses.createSubprocessExec(
          ProcessOptions.defaults().stdin(Stdio.DEVNULL).stdout(Stdio.PIPE), "wc", "-c").communicate(null).stdout()));
      assertThat(out.trim()).isEqualTo("0");
    }

    @Test
    void emptyInput_closesStdin() {
      String out = Weft.run(() -> text(Subprocesses.createSubprocessExec(PIPES, "cat")
          .communicate(new byte[0]).stdout()));
      assertThat(out).isEmpty();
    }

    @Test
    void communicate_withInputButNoStdinPipe_isRefusedNamingTheBytes() {
      assertThatThrownBy(() -> Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults().stdin(Stdio.DEVNULL), "true");
        try {
          return p.communicate(new byte[3]);
        } finally {
          p.waitFor();
        }
      })).isInstanceOf(IllegalStateException.class).hasMessageContaining("3 bytes");
    }

    @Test
    void communicate_megabytesBothWays_doesNotDeadlock() {
      // the child echoes 8 MiB on stdout and writes 1 MiB on stderr while still reading its stdin: far beyond what a
      // pipe holds (64 KiB), so a writer that did not read at the same time would block for ever
      int size = 8 * 1024 * 1024;
      byte[] input = new byte[size];
      for (int i = 0; i < size; i++) {
        input[i] = (byte) ('a' + i % 26);
      }
      Process.Output out = Weft.run(() -> Subprocesses.createSubprocessShell(PIPES,
          "head -c 1048576 /dev/zero >&2 & cat; wait").communicate(input));
      assertThat(out.stdout()).isEqualTo(input);
      assertThat(out.stderr()).hasSize(1024 * 1024);
    }

    @Test
    void readLine_readsTheChildsLinesAsTheyCome() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(PIPES, "cat");
        StringBuilder sb = new StringBuilder();
        for (String s : new String[] {"first", "second"}) {
          p.stdin().write((s + "\n").getBytes(UTF_8));
          p.stdin().drain();
          sb.append(text(p.stdout().readLine()));
        }
        p.stdin().close();
        sb.append(text(p.stdout().read(-1))).append(p.waitFor());
        return sb.toString();
      });
      assertThat(got).isEqualTo("first\nsecond\n0");
    }

    @Test
    void aLargeUnreadOutput_pausesThePipe_andReadingLaterGetsEveryByte() {
      long n = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES.limit(1024), "head -c 3000000 /dev/zero");
        io.weft.net.ReadTransport pipe = (io.weft.net.ReadTransport) p.transport().getPipeTransport(1);
        for (int i = 0; i < 500 && pipe.isReading(); i++) {
          Weft.sleep(java.time.Duration.ofMillis(20)); // the reader fills past twice its limit and pauses the pipe
        }
        assertThat(pipe.isReading()).as("paused while nobody reads").isFalse();
        assertThat(p.returncode()).as("the child blocks on its full pipe").isNull();
        long total = 0;
        while (true) {
          byte[] b = p.stdout().read(65536);
          if (b.length == 0) {
            break;
          }
          total += b.length;
        }
        p.waitFor();
        return total;
      });
      assertThat(n).isEqualTo(3_000_000L);
    }

    @Test
    void drain_waitsWhileTheChildDoesNotRead_andReturnsOnceItDoes() {
      String got = Weft.run(() -> {
        // the child sleeps before reading: 1 MiB stays buffered above the high-water mark until it reads
        Process p = Subprocesses.createSubprocessShell(PIPES, "sleep 0.3; cat > /dev/null");
        p.stdin().write(new byte[1024 * 1024]);
        long buffered = p.stdin().writeTransport().getWriteBufferSize();
        p.stdin().drain();
        long after = p.stdin().writeTransport().getWriteBufferSize();
        p.stdin().close();
        return buffered + " " + after + " " + p.waitFor();
      });
      assertThat(got).isEqualTo((1024 * 1024) + " 0 0");
    }

    @Test
    void writingToAChildThatExited_isNotAnErrorInCommunicate() {
      Process.Output out = Weft.run(() -> Subprocesses.createSubprocessShell(PIPES, "exec 0<&-; echo done")
          .communicate(new byte[4 * 1024 * 1024]));
      assertThat(text(out.stdout())).isEqualTo("done\n");
    }

    @Test
    void drainingAWriteToAChildThatClosedItsStdin_raisesBrokenPipe_asAsyncio() {
      // asyncio's test_stdin_broken_pipe: drain() raises BrokenPipeError (or ConnectionResetError).
      Throwable thrown = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES, "exec 0<&-; echo closed; sleep 5");
        assertThat(text(p.stdout().readLine())).isEqualTo("closed\n");
        try {
          p.stdin().write(new byte[4 * 1024 * 1024]);
          p.stdin().drain();
          return null;
        } catch (IOException e) {
          return e;
        } finally {
          p.kill();
          p.waitFor();
        }
      });
      assertThat(thrown).as("drain's error").isNotNull();
      assertThat(thrown.getMessage()).containsIgnoringCase("pipe");
    }
  }
}
