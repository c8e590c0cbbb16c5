package io.weft.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * asyncio's subprocess signals, cancellation and protocol events (spec SP-01, SP-04, SP-05;
 * test_subprocess.py::test_kill, test_terminate, test_send_signal, test_cancel_process_wait,
 * test_subprocess_concurrent_wait, test_cancel_make_subprocess_transport_exec, test_close_kill_running,
 * test_subprocess_protocol_events), and a child that outlives {@code Weft.run}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessLifecycleTests {

  static final ProcessOptions PIPES = ProcessOptions.defaults().allPiped();

  /** Children of this JVM whose command line is {@code sleep <marker>}, alive now. */
  static List<ProcessHandle> sleepers(String marker) {
    return ProcessHandle.current().children()
        .filter(h -> h.info().arguments().map(a -> a.length > 0 && a[a.length - 1].equals(marker)).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  @Nested
  class Signals {

    @Test
    void kill_givesMinusSigkill() {
      int code = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "sleep", "100");
        p.kill();
        return p.waitFor();
      });
      assertThat(code).isEqualTo(-9);
    }

    @Test
    void terminate_givesMinusSigterm() {
      int code = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "sleep", "100");
        p.terminate();
        return p.waitFor();
      });
      assertThat(code).isEqualTo(-15);
    }

    @Test
    void terminate_leavesThePipesOpen_soAChildThatStopsGracefullyIsHeard() {
      // Process.destroy() would close the child's pipes; asyncio's terminate() only sends SIGTERM.
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES,
            "trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.05; done");
        String ready = new String(p.stdout().readLine(), UTF_8);
        p.terminate();
        String after = new String(p.stdout().read(-1), UTF_8);
        return ready + after + p.waitFor();
      });
      assertThat(got).isEqualTo("ready\nbye\n0");
    }

    @Test
    void sendSignal_sighup_givesMinusSighup() {
      int code = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "sleep", "100");
        p.sendSignal(1);
        return p.waitFor();
      });
      assertThat(code).isEqualTo(-1);
    }

    @Test
    void sendSignal_deliversAnArbitrarySignal_thatTheChildCanHandle() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(PIPES,
            "trap 'echo got-usr1; exit 0' USR1; echo ready; while :; do sleep 0.05; done");
        String ready = new String(p.stdout().readLine(), UTF_8);
        p.sendSignal(10); // SIGUSR1 on Linux
        String after = new String(p.stdout().readLine(), UTF_8);
        return ready + after + p.waitFor();
      });
      assertThat(got).isEqualTo("ready\ngot-usr1\n0");
    }

    @Test
    void anExitOf128PlusN_withNoSignalSent_staysAsTheChildSaidIt() {
      int code = Weft.run(() -> Subprocesses.createSubprocessShell(ProcessOptions.defaults(), "exit 137").waitFor());
      assertThat(code).isEqualTo(137);
    }

    @Test
    void sendSignal_refusesABadNumber_andAFinishedProcess() {
      Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "true");
        assertThatThrownBy(() -> p.sendSignal(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("got 0");
        p.waitFor();
        assertThatThrownBy(p::kill).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("pid " + p.pid());
        return null;
      });
    }
  }

  @Nested
  class Cancellation {

    @Test
    void cancellingWait_leavesTheChildRunning_andWaitCanBeCalledAgain() {
      String got = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "sleep", "100");
        Task<Integer> waiting = Weft.createTask(p::waitFor);
        Weft.sleep(Duration.ofMillis(50));
        waiting.cancel();
        try {
          waiting.await();
        } catch (CancelledError expected) {
          // as asyncio
        }
        boolean alive = ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false);
        Integer rc = p.returncode();
        p.kill();
        return waiting.isCancelled() + " " + alive + " " + rc + " " + p.waitFor();
      });
      assertThat(got).isEqualTo("true true null -9");
    }

    @Test
    void tenConcurrentWaits_allGetTheSameCode() {
      List<Integer> codes = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessShell(ProcessOptions.defaults(), "sleep 0.1; exit 5");
        List<Future<Integer>> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          waits.add(Weft.createTask(p::waitFor));
        }
        return Weft.gather(waits).await();
      });
      assertThat(codes).hasSize(10).containsOnly(5);
    }

    @Test
    void cancellingCreation_killsTheChild_andLeaksNothing() {
      String marker = "101.5";
      String got = Weft.run(() -> {
        Task<Process> creating = Weft.createTask(
            () -> Subprocesses.createSubprocessExec(PIPES, "sleep", marker));
        Weft.sleep(Duration.ZERO); // the task starts the child and waits for its pipes to connect
        assertThat(sleepers(marker)).as("the child runs while its pipes connect").hasSize(1);
        creating.cancel();
        try {
          creating.await();
          return "created";
        } catch (CancelledError expected) {
          return "cancelled";
        }
      });
      assertThat(got).isEqualTo("cancelled");
      assertThat(sleepers(marker)).as("the child was killed and reaped").isEmpty();
    }

    @Test
    void transportClose_onARunningChild_killsIt() {
      int code = Weft.run(() -> {
        Subprocesses.Connection<SubprocessProtocol> c = Subprocesses.subprocessExec(
            () -> new SubprocessProtocol() { }, PIPES, "sleep", "100");
        c.transport().close();
        assertThat(c.transport().isClosing()).isTrue();
        return c.transport().awaitExit();
      });
      assertThat(code).isEqualTo(-9);
    }
  }

  /** Records what a subprocess protocol hears, in order. */
  static final class Recording implements SubprocessProtocol {
    final List<String> events = new CopyOnWriteArrayList<>();
    final Future<Void> lost;
    SubprocessTransport transport;

    Recording(EventLoop loop) {
      lost = loop.createFuture();
    }

    @Override
    public void connectionMade(SubprocessTransport t) {
      transport = t;
      events.add("made");
    }

    @Override
    public void pipeDataReceived(int fd, byte[] data) {
      events.add("data" + fd + ":" + new String(data, UTF_8).trim());
    }

    @Override
    public void pipeConnectionLost(int fd, Throwable cause) {
      events.add("pipeLost" + fd + (cause == null ? "" : ":" + cause));
    }

    @Override
    public void processExited() {
      events.add("exited:" + transport.getReturncode());
    }

    @Override
    public void connectionLost(Throwable cause) {
      events.add("lost");
      lost.setResult(null);
    }
  }

  @Nested
  class ProtocolEvents {

    @Test
    void dataBeforePipeLostPerFd_exitedOnce_connectionLostLast() {
      List<String> events = Weft.run(() -> {
        Recording r = new Recording(EventLoop.getRunningLoop());
        Subprocesses.Connection<Recording> c = Subprocesses.subprocessShell(() -> r, PIPES,
            "read x; echo \"out:$x\"; echo err >&2; exit 3");
        assertThat(r.events).containsExactly("made");
        io.weft.net.WriteTransport stdin = (io.weft.net.WriteTransport) c.transport().getPipeTransport(0);
        stdin.write("hi\n".getBytes(UTF_8));
        stdin.close();
        r.lost.await();
        assertThat(c.transport().awaitExit()).isEqualTo(3);
        c.transport().close();
        return r.events;
      });
      assertThat(events.getFirst()).isEqualTo("made");
      assertThat(events.getLast()).isEqualTo("lost");
      assertThat(events).containsOnlyOnce("exited:3", "pipeLost0", "pipeLost1", "pipeLost2");
      assertThat(events.indexOf("data1:out:hi")).isNotNegative().isLessThan(events.indexOf("pipeLost1"));
      assertThat(events.indexOf("data2:err")).isNotNegative().isLessThan(events.indexOf("pipeLost2"));
    }

    @Test
    void aStdinWriteAboveTheHighWaterMark_pausesTheProtocol_andResumesWhenTheChildReads() {
      List<String> events = Weft.run(() -> {
        List<String> heard = new ArrayList<>();
        Subprocesses.Connection<SubprocessProtocol> c = Subprocesses.subprocessShell(() -> new SubprocessProtocol() {
          @Override
          public void pauseWriting() {
            heard.add("pause");
          }

          @Override
          public void resumeWriting() {
            heard.add("resume");
          }
        }, ProcessOptions.defaults().stdin(Stdio.PIPE), "sleep 0.2; cat > /dev/null");
        io.weft.net.WriteTransport stdin = (io.weft.net.WriteTransport) c.transport().getPipeTransport(0);
        stdin.write(new byte[256 * 1024]);
        heard.add("wrote " + stdin.getWriteBufferSize());
        stdin.close();
        c.transport().awaitExit();
        c.transport().close();
        return heard;
      });
      assertThat(events).containsExactly("pause", "wrote 262144", "resume");
    }

    @Test
    void getPipeTransport_isNullForStreamsThatAreNotPipes_andRefusesOtherFds() {
      Weft.run(() -> {
        Subprocesses.Connection<SubprocessProtocol> c = Subprocesses.subprocessExec(() -> new SubprocessProtocol() { },
            ProcessOptions.defaults().stdout(Stdio.PIPE), "true");
        assertThat(c.transport().getPipeTransport(0)).isNull();
        assertThat(c.transport().getPipeTransport(1)).isInstanceOf(io.weft.net.ReadTransport.class);
        assertThat(c.transport().getPipeTransport(2)).isNull();
        assertThatThrownBy(() -> c.transport().getPipeTransport(3)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("got 3");
        c.transport().awaitExit();
        c.transport().close();
        return null;
      });
    }
  }

  @Nested
  class LoopClose {

    @Test
    void aChildThatOutlivesRun_isKilledAtLoopClose_withAnUnclosedTransportWarning() throws Exception {
      List<String> warnings = new CopyOnWriteArrayList<>();
      long pid = Weft.run(() -> {
        Process p = Subprocesses.createSubprocessExec(ProcessOptions.defaults(), "sleep", "100");
        return p.pid();
      }, () -> {
        EventLoop loop = EventLoop.create();
        loop.setWarningHandler(warnings::add);
        return loop;
      });
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("unclosed transport").contains("pid=" + pid));
      ProcessHandle h = ProcessHandle.of(pid).orElse(null);
      if (h != null) {
        h.onExit().get(10, TimeUnit.SECONDS); // killed: it exits (and the JDK reaps it) at once
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aTransportClosedByProcess_isNotReportedAtLoopClose() {
      List<String> warnings = new CopyOnWriteArrayList<>();
      Weft.run(() -> Subprocesses.createSubprocessShell(PIPES, "echo hi").communicate(null), () -> {
        EventLoop loop = EventLoop.create();
        loop.setWarningHandler(warnings::add);
        return loop;
      });
      assertThat(warnings).noneMatch(w -> w.contains("unclosed transport"));
    }
  }
}
