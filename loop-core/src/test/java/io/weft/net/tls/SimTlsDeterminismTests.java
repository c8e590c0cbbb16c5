package io.weft.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS inside a {@link Simulation}: a TLS echo service on one simulated host and clients on others passes under
 * every strategy and repeats exactly (same seed, same trace hash) when the TLS contexts use a seeded
 * {@link java.security.SecureRandom}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SimTlsDeterminismTests {

  static final List<Schedule> SCHEDULES = List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
      Schedule.of(Mode.FAITHFUL, "PCT3", 11), Schedule.of(Mode.CHAOS, "RANDOM", 3));

  /** A TLS echo service and three clients with different latencies; returns the answers and their times. */
  static String program(Long seed) throws Exception {
    return program(seed, TlsFixtures.keys());
  }

  static String program(Long seed, java.security.KeyStore keys) throws Exception {
    Simulation sim = Simulation.current();
    SimNetwork net = sim.network();
    EventLoop loop = sim.loop();
    SimHost serverHost = net.addHost("server");
    TlsOptions serverTls = TlsOptions.server(TlsFixtures.server(keys, seed));
    TlsOptions clientTls = TlsOptions.client(TlsFixtures.client(keys, seed == null ? null : seed + 1));
    Future<Server> started = loop.createFuture();
    Task<Void> serving = loop.createTask(() -> {
      serverHost.makeCurrent();
      Server server = Tls.startServer((reader, writer) -> {
        byte[] line = reader.readLine();
        writer.write(new String(line, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
        writer.close();
      }, "server", 443, serverTls);
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
        Streams.Pair p = Tls.openConnection("server", 443, clientTls);
        p.writer().write(("hello from " + n + "\n").getBytes(StandardCharsets.UTF_8));
        String answer = new String(p.reader().read(-1), StandardCharsets.UTF_8).trim();
        p.writer().close();
        p.writer().waitClosed();
        return answer + " @" + loop.time();
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
  void aTlsEchoService_passesUnderEveryStrategy_andRepeatsExactly_withSeededContexts() {
    for (Schedule s : SCHEDULES) {
      SimResult<String> first = Simulation.run(s, () -> program(42L));
      assertThat(first.passed()).as("%s: %s", s, first.failure()).isTrue();
      assertThat(first.value()).contains("HELLO FROM 0", "HELLO FROM 1", "HELLO FROM 2");
      SimResult<String> second = Simulation.run(s, () -> program(42L));
      assertThat(second.traceHash()).as("%s", s).isEqualTo(first.traceHash());
      assertThat(second.value()).isEqualTo(first.value());
    }
  }

  @Test
  void theAnswers_comeBackAtTheTimesTheLatenciesGive() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> program(42L));
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    // client i, link 1 + 3i ms: TCP handshake (1 round trip), TLS 1.3 handshake (1 round trip), then the line
    // goes and the answer comes back (1 round trip): 3 round trips
    assertThat(r.value()).isEqualTo("HELLO FROM 0 @0.006\nHELLO FROM 1 @0.024\nHELLO FROM 2 @0.042\n");
  }

  @Test
  void withUnseededContexts_andAnRsaCertificate_theTraceStillRepeats_forTheRecordSizesDoNotVary() {
    // The trace records deliveries (sizes and times), not bytes. With RSA (fixed-length RSA-PSS signatures) and
    // X25519 key shares every record's size is fixed, so only the bytes differ between unseeded runs. ECDSA
    // certificates are different: the JDK signs the handshake with its default SecureRandom, not the context's,
    // and a DER-encoded ECDSA signature's length varies, so their traces may differ even with seeded contexts.
    Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", 5);
    SimResult<String> first = Simulation.run(s, () -> program(null));
    SimResult<String> second = Simulation.run(s, () -> program(null));
    assertThat(first.passed()).as("%s", first.failure()).isTrue();
    assertThat(second.traceHash()).isEqualTo(first.traceHash());
    assertThat(second.value()).isEqualTo(first.value());
  }
}
