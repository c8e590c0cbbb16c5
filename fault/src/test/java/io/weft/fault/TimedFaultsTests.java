package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.net.DatagramProtocol;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import io.weft.time.WallClock;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plan's slow closes, accept delays and datagram reordering, observed at the socket API on virtual time, and host
 * clocks whose offset and drift are ranges: a choice of the run, recorded, replayed and shrunk toward no skew.
 */
class TimedFaultsTests {

  @Test
  void aSlowClose_deliversTheEndOfStreamLate_afterTheDataOnTime() {
    SimResult<String> r = Simulation.run(random(3), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: slow_close=100%/300ms").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Future<String> seen = loop.createFuture();
      Server s = loop.createTask(() -> {
        server.makeCurrent();
        return Streams.startServer((reader, writer) -> {
          reader.readExactly(5);
          double data = loop.time();
          byte[] rest = reader.read(-1); // up to EOF
          seen.setResult(rest.length + " more bytes, EOF " + Math.round((loop.time() - data) * 1000) + " ms after the"
              + " data");
          writer.close();
        }, "server", 7);
      }).await();
      loop.createTask(() -> {
        client.makeCurrent();
        Streams.Pair c = Streams.openConnection("server", 7);
        c.writer().write("hello".getBytes());
        c.writer().close();
        c.writer().waitClosed();
        return null;
      }).await();
      String got = seen.await();
      s.close();
      s.waitClosed();
      return got;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("0 more bytes, EOF 300 ms after the data");
    assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("the FIN client -> server")
        .contains("arrived 300.000 ms late (slow_close 100%/300ms)"));
  }

  /** A client that connects and writes at once; the server's handler notes when it starts and what it reads. */
  static String acceptProgram(String plan, boolean closeListenerEarly) throws Exception {
    SimNetwork net = Simulation.current().network();
    FaultPlan.parse(plan).applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    Future<String> handled = loop.createFuture();
    Server s = loop.createTask(() -> {
      server.makeCurrent();
      return Streams.startServer((reader, writer) -> {
        double at = loop.time();
        handled.setResult("accepted at " + Math.round(at * 1000) + " ms, read " + new String(reader.readExactly(4)));
        writer.close();
      }, "server", 7);
    }).await();
    String clientSide = loop.createTask(() -> {
      client.makeCurrent();
      Streams.Pair c = Streams.openConnection("server", 7);
      String connected = "connected at " + Math.round(loop.time() * 1000) + " ms";
      c.writer().write("ping".getBytes());
      c.writer().drain();
      if (closeListenerEarly) {
        s.close();
      }
      try {
        byte[] eof = c.reader().read(-1);
        return connected + ", then EOF with " + eof.length + " bytes";
      } catch (Exception e) {
        return connected + ", then " + e.getClass().getSimpleName() + ": " + e.getMessage();
      } finally {
        c.writer().close();
      }
    }).await();
    String serverSide = closeListenerEarly ? "never accepted" : handled.await();
    s.close();
    s.waitClosed();
    return clientSide + "; " + serverSide;
  }

  @Test
  void anAcceptDelay_connectsTheClientAtOnce_andTheServerAcceptsLater_withTheDataWaiting() {
    SimResult<String> r = Simulation.run(random(5),
        () -> acceptProgram("client->server: accept_delay=100%/200ms", false));
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("connected at 0 ms, then EOF with 0 bytes; accepted at 200 ms, read ping");
    assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("reached the listener's accept queue 200.000 ms"
        + " after its handshake"));
    SimResult<String> none = Simulation.run(Schedule.fifo(),
        () -> acceptProgram("client->server: accept_delay=100%/200ms", false));
    assertThat(none.value()).as("FIFO injects no fault").startsWith("connected at 0 ms, then EOF with 0 bytes;"
        + " accepted at 0 ms");
  }

  @Test
  void aListenerClosedDuringAnAcceptDelay_resetsTheWaitingConnection_andLeaksNothing() {
    SimResult<String> r = Simulation.run(random(5),
        () -> acceptProgram("client->server: accept_delay=100%/200ms", true));
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("connected at 0 ms, then IOException: Connection reset by peer: /10.0.0.2:7; never accepted");
  }

  /** Ten datagrams 1 ms apart; returns the order they arrived in. */
  static List<Integer> datagramOrder(String plan) throws Exception {
    SimNetwork net = Simulation.current().network();
    FaultPlan.parse(plan).applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    List<Integer> got = new ArrayList<>();
    Future<Void> all = loop.createFuture();
    Net.DatagramEndpoint<DatagramProtocol> e = loop.createTask(() -> {
      server.makeCurrent();
      return Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {
        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
          got.add((int) data[0]);
          if (got.size() == 10) {
            all.setResult(null);
          }
        }
      }, "server", 9, null, 0, false);
    }).await();
    loop.createTask(() -> {
      client.makeCurrent();
      Net.DatagramEndpoint<DatagramProtocol> c =
          Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
      for (int i = 0; i < 10; i++) {
        c.transport().sendTo(new byte[] {(byte) i}, null);
        Weft.sleep(Duration.ofMillis(1));
      }
      c.transport().close();
      return null;
    }).await();
    all.await();
    e.transport().close();
    return got;
  }

  @Test
  void reorder_letsLaterDatagramsOvertakeAHeldBackOne_losingNone_andFifoKeepsTheOrder() {
    String plan = "client->server: reorder=30%/5ms";
    List<Integer> inOrder = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(Simulation.run(Schedule.fifo(), () -> datagramOrder(plan)).value()).isEqualTo(inOrder);
    int reordered = 0;
    for (long seed = 1; seed <= 20; seed++) {
      SimResult<List<Integer>> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> datagramOrder(plan));
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      assertThat(r.value()).as("every datagram arrives once").containsExactlyInAnyOrderElementsOf(inOrder);
      if (!r.value().equals(inOrder)) {
        reordered++;
        assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("was held back 5.000 ms, so later ones"
            + " overtake it (reorder 30%/5ms)"));
        assertThat(Simulation.run(r.replay(), () -> datagramOrder(plan)).value()).as("the replay").isEqualTo(r.value());
      }
    }
    assertThat(reordered).as("seeds of 20 whose datagrams arrived out of order").isGreaterThanOrEqualTo(10);
  }

  /** How far each host's wall clock is from the simulation's, in ms, after 10 s and 20 s: "a=.. b=..". */
  static String skews(String plan) throws Exception {
    SimNetwork net = Simulation.current().network();
    FaultPlan.parse(plan).applyTo(net);
    long epochMillis = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    List<String> out = new ArrayList<>();
    for (String name : new String[] {"a", "b"}) {
      SimHost h = net.addHost(name);
      out.add(Weft.createTask(() -> {
        h.makeCurrent();
        Weft.sleep(Duration.ofSeconds(10));
        long simulation = epochMillis + Math.round(Weft.getRunningLoop().time() * 1000);
        return name + "=" + (WallClock.current().millis() - simulation);
      }).await());
    }
    return String.join(" ", out);
  }

  /** A random schedule without timer jitter, so that virtual times are exact. */
  static Schedule random(long seed) {
    return Schedule.of(Mode.FAITHFUL, "RANDOM", seed).withBounds(0, 0);
  }

  @Test
  void aClockOffsetRange_isAChoicePerHost_noSkewUnderFifo_spreadOverSeeds_andReplayed() {
    String plan = "host *: clock_offset=-40ms..40ms";
    assertThat(Simulation.run(Schedule.fifo(), () -> skews(plan)).value()).isEqualTo("a=0 b=0");
    Set<String> seen = new HashSet<>();
    Set<Long> values = new HashSet<>();
    for (long seed = 1; seed <= 30; seed++) {
      SimResult<String> r = Simulation.run(random(seed), () -> skews(plan));
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      seen.add(r.value());
      for (String part : r.value().split(" ")) {
        values.add(Long.parseLong(part.substring(2)));
      }
      assertThat(Simulation.run(r.replay(), () -> skews(plan)).value()).as("the replay").isEqualTo(r.value());
    }
    assertThat(values).as("each host's offset is one of 9 values from -40 to 40 ms")
        .isSubsetOf(-40L, -30L, -20L, -10L, 0L, 10L, 20L, 30L, 40L).hasSizeGreaterThanOrEqualTo(6);
    assertThat(seen).as("the two hosts choose apart").anySatisfy(v -> assertThat(v.split(" ")[0].substring(2))
        .isNotEqualTo(v.split(" ")[1].substring(2)));
  }

  @Test
  void aClockDriftRange_isDescribedInTheReport_andAHostsOwnRuleWinsOverStar() {
    String plan = "host a: clock_offset=5ms; host *: clock_drift=-1000ppm..1000ppm";
    for (long seed = 1; seed <= 30; seed++) {
      SimResult<String> r = Simulation.run(random(seed), () -> skews(plan));
      assertThat(r.value()).startsWith("a=5 b=");
      long b = Long.parseLong(r.value().substring(r.value().lastIndexOf('=') + 1));
      if (b != 0) {
        // b reads its clock after 20 s: drift at +-250, 500, 750 or 1000 ppm
        assertThat(Math.abs(b)).isIn(5L, 10L, 15L, 20L);
        assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("the wall clock of host b runs")
            .contains("(clock_drift -1000ppm..1000ppm)"));
        return;
      }
    }
    throw new AssertionError("no seed of 30 chose a drift for b");
  }

  @Test
  void rangesReadBack_andBadOnesAreNamed() {
    String text = "host *: clock_offset=-50ms..50ms, clock_drift=-200ppm..200ppm; host db: clock_offset=1s";
    assertThat(FaultPlan.parse(text).toString()).isEqualTo(text);
    String faults = "a->b: reorder=5%/10ms, accept_delay=1%/2s, slow_close=50%/300ms";
    assertThat(FaultPlan.parse(faults).toString()).isEqualTo(faults);
    assertThat(FaultPlan.parse(faults)).isEqualTo(FaultPlan.builder().link("a", "b")
        .reorder(0.05, Duration.ofMillis(10)).acceptDelay(0.01, Duration.ofSeconds(2))
        .slowClose(0.5, Duration.ofMillis(300)).build());
    assertThatThrownBy(() -> FaultPlan.parse("host db: clock_offset=50ms..-50ms"))
        .hasMessageContaining("from low to high").hasMessageContaining("50ms..-50ms");
    assertThatThrownBy(() -> FaultPlan.parse("a->b: slow_close=5%")).hasMessageContaining("slow_close")
        .hasMessageContaining("probability/duration");
    assertThatThrownBy(() -> FaultPlan.parse("a->b: reorder=5%/0ms")).hasMessageContaining("reorder lasts more than 0");
    assertThat(HostClocks.values(-40, 40)).containsExactly(0, -10, 10, -20, 20, -30, 30, -40, 40);
  }
}
