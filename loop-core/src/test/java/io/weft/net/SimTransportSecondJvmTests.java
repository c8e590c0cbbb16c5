package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Client/server programs on the simulated network give the same trace hash in repeated runs and in a second JVM:
 * {@link SimTransportDeterminismTests}'s echo service of protocols, and a line service of {@link Streams}, under
 * every strategy of {@link SimTransportDeterminismTests#SCHEDULES}.
 */
class SimTransportSecondJvmTests {

  /** The program named {@code name}: {@code protocols} or {@code streams}. */
  static AsyncCallable<String> program(String name) {
    return switch (name) {
      case "protocols" -> SimTransportDeterminismTests::program;
      case "streams" -> SimTransportSecondJvmTests::streamsProgram;
      default -> throw new IllegalArgumentException("program must be protocols or streams, got " + name);
    };
  }

  /**
   * A line service of streams on host "server" (each line answered upper-cased, until EOF), and three clients on
   * links of different latencies, each sending two lines with a pause between them.
   */
  static String streamsProgram() throws Exception {
    Simulation sim = Simulation.current();
    SimNetwork net = sim.network();
    EventLoop loop = sim.loop();
    SimHost serverHost = net.addHost("server");
    Future<Server> started = loop.createFuture();
    Task<Void> serving = loop.createTask(() -> {
      serverHost.makeCurrent();
      Server server = Streams.startServer((reader, writer) -> {
        for (byte[] line : reader) {
          writer.write(new String(line, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)
              .getBytes(StandardCharsets.UTF_8));
          writer.drain();
        }
        writer.close();
      }, "server", 7);
      started.setResult(server);
      server.waitClosed();
      return null;
    }, "server", null);
    Server server = started.await();
    List<Task<String>> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimHost host = net.addHost("client-" + i);
      net.setLatency(host, serverHost, Duration.ofMillis(2 + 5 * i));
      int n = i;
      clients.add(loop.createTask(() -> {
        host.makeCurrent();
        Streams.Pair c = Streams.openConnection("server", 7);
        c.writer().write(("first from " + n + "\n").getBytes(StandardCharsets.UTF_8));
        Weft.sleep(Duration.ofMillis(3));
        c.writer().write(("second from " + n + "\n").getBytes(StandardCharsets.UTF_8));
        c.writer().writeEof();
        String answer = new String(c.reader().read(-1), StandardCharsets.UTF_8);
        c.writer().close();
        c.writer().waitClosed();
        return answer.replace('\n', '|') + " @" + loop.time();
      }, "client-" + i, null));
    }
    StringBuilder out = new StringBuilder();
    for (Task<String> c : clients) {
      out.append(c.await()).append('\n');
    }
    server.close();
    serving.await();
    return out.toString();
  }

  @Test
  void theStreamsProgram_passesUnderEveryStrategy_andRepeatsExactly() {
    for (Schedule s : SimTransportDeterminismTests.SCHEDULES) {
      SimResult<String> first = Simulation.run(s, SimTransportSecondJvmTests::streamsProgram);
      assertThat(first.passed()).as("%s: %s", s, first.failure()).isTrue();
      assertThat(first.value()).contains("FIRST FROM 0|SECOND FROM 0|", "FIRST FROM 2|SECOND FROM 2|");
      SimResult<String> second = Simulation.run(s, SimTransportSecondJvmTests::streamsProgram);
      assertThat(second.traceHash()).as("%s", s).isEqualTo(first.traceHash());
      assertThat(second.value()).isEqualTo(first.value());
    }
  }

  @Test
  void aSecondJvm_givesTheSameHashes_forTheProtocolAndTheStreamsPrograms() throws Exception {
    for (String name : List.of("protocols", "streams")) {
      String java = ProcessHandle.current().info().command().orElseThrow();
      List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
          System.getProperty("java.class.path"), SimTransportHashMain.class.getName(), name));
      List<String> expected = new ArrayList<>();
      for (Schedule s : SimTransportDeterminismTests.SCHEDULES) {
        cmd.add(s.toString());
        SimResult<String> r = Simulation.run(s, program(name));
        assertThat(r.passed()).as("%s %s: %s", name, s, r.failure()).isTrue();
        expected.add(r.trace().hashHex());
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      assertThat(text.strip().lines().toList()).as("%s: %s", name, text).isEqualTo(expected);
    }
  }
}
