package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Transports and servers inside a {@link Simulation}: a protocol-level echo service on one host and clients on
 * others, with different link latencies, passes under every strategy, leaves nothing open, and repeats exactly.
 */
class SimTransportDeterminismTests {

  static final List<Schedule> SCHEDULES = List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
      Schedule.of(Mode.FAITHFUL, "PCT3", 11), Schedule.of(Mode.CHAOS, "RANDOM", 3));

  /** Answers each connection with what it sent, upper-cased, once the client half-closes. */
  static final class Shouter implements Protocol {
    private final ByteArrayOutputStream got = new ByteArrayOutputStream();
    private Transport transport;

    @Override
    public void connectionMade(Transport transport) {
      this.transport = transport;
    }

    @Override
    public void dataReceived(byte[] data) {
      got.writeBytes(data);
    }

    @Override
    public boolean eofReceived() {
      transport.write(got.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return false; // close, after the answer is flushed
    }
  }

  /** Collects the answer and completes when the connection is lost. */
  static final class Asker implements Protocol {
    private final ByteArrayOutputStream got = new ByteArrayOutputStream();
    final Future<String> answer;

    Asker(EventLoop loop) {
      answer = loop.createFuture();
    }

    @Override
    public void dataReceived(byte[] data) {
      got.writeBytes(data);
    }

    @Override
    public void connectionLost(Throwable cause) {
      answer.setResult(cause == null ? got.toString(StandardCharsets.UTF_8) : "lost: " + cause);
    }
  }

  static String program() throws Exception {
    Simulation sim = Simulation.current();
    SimNetwork net = sim.network();
    EventLoop loop = sim.loop();
    SimHost serverHost = net.addHost("server");
    Future<Server> started = loop.createFuture();
    Task<Void> serving = loop.createTask(() -> {
      serverHost.makeCurrent();
      Server server = Net.createServer(Shouter::new, "server", 7);
      started.setResult(server);
      server.waitClosed();
      return null;
    }, "server", null);
    Server server = started.await();
    List<Task<String>> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimHost host = net.addHost("client-" + i);
      net.setLatency(host, serverHost, Duration.ofMillis(1 + 3 * i));
      int n = i;
      clients.add(loop.createTask(() -> {
        host.makeCurrent();
        Net.Connection<Asker> c = Net.createConnection(() -> new Asker(loop), "server", 7);
        c.transport().write(("hello from " + n).getBytes(StandardCharsets.UTF_8));
        c.transport().writeEof();
        return io.weft.Weft.waitFor(c.protocol().answer, Duration.ofSeconds(5)) + " @" + loop.time();
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
  void anEchoServiceOfProtocols_passesUnderEveryStrategy_andRepeatsExactly() {
    for (Schedule s : SCHEDULES) {
      SimResult<String> first = Simulation.run(s, SimTransportDeterminismTests::program);
      assertThat(first.passed()).as("%s: %s", s, first.failure()).isTrue();
      assertThat(first.value()).contains("HELLO FROM 0", "HELLO FROM 1", "HELLO FROM 2");
      SimResult<String> second = Simulation.run(s, SimTransportDeterminismTests::program);
      assertThat(second.traceHash()).as("%s", s).isEqualTo(first.traceHash());
      assertThat(second.value()).isEqualTo(first.value());
    }
  }

  @Test
  void theAnswers_comeBackAtTheTimesTheLatenciesGive() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), SimTransportDeterminismTests::program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    // client i: handshake (2 trips), data + FIN (1 trip), answer + FIN back (1 trip): 4 trips of 1 + 3i ms
    assertThat(r.value()).isEqualTo("HELLO FROM 0 @0.004\nHELLO FROM 1 @0.016\nHELLO FROM 2 @0.028\n");
  }
}
