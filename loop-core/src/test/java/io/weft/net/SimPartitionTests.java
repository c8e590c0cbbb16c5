package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scripted partitions on the simulated network, as the socket API sees them: a stream's data (in flight too) is
 * held and arrives in order after the heal; one way cuts one direction; datagrams are lost; a long partition with a
 * stream timeout ends the connection with "Connection timed out"; all in the trace, the same in every run.
 */
class SimPartitionTests {

  static final Duration WAIT = Duration.ofSeconds(600);

  /** A server host, a client host 10 ms apart, a connection from client to server; both ends' recorders. */
  record Pair(SimNetwork net, SimHost server, SimHost client, Recorder atServer, Recorder atClient,
      Transport clientSide, Server listener) {}

  static Pair connect() throws Exception {
    Simulation sim = Simulation.current();
    EventLoop loop = sim.loop();
    SimNetwork net = sim.network();
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    net.setLatency(server, client, Duration.ofMillis(10));
    List<Recorder> accepted = new ArrayList<>();
    Future<Server> started = loop.createFuture();
    loop.createTask(() -> {
      server.makeCurrent();
      started.setResult(Net.createServer(() -> {
        Recorder r = new Recorder(loop, WAIT);
        accepted.add(r);
        return r;
      }, "server", 7));
      return null;
    });
    Server listener = started.await();
    Net.Connection<Recorder> c = loop.createTask(() -> {
      client.makeCurrent();
      return Net.createConnection(() -> new Recorder(loop, WAIT), "server", 7);
    }).await();
    while (accepted.isEmpty() || !accepted.get(0).made.isDone()) {
      Weft.sleep(Duration.ofMillis(1));
    }
    return new Pair(net, server, client, accepted.get(0), c.protocol(), c.transport(), listener);
  }

  /** Closes the connection and the server, and waits until both ends and the listener are gone. */
  static void finish(Pair p) {
    p.clientSide().close();
    p.atClient().awaitLost();
    p.atServer().awaitLost();
    p.listener().close();
    p.listener().waitClosed();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static <T> T passing(SimResult<T> r) {
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    return r.value();
  }

  @Test
  void aStreamsData_inFlightAndSentDuring_isHeld_thenArrivesInOrderOneDelayAfterTheHeal() {
    String got = passing(Simulation.run(Schedule.fifo(), () -> {
      Pair p = connect();
      double t0 = Weft.getRunningLoop().time();
      p.clientSide().write(text("in flight, "));
      Weft.sleep(Duration.ofMillis(5));
      p.net().partition(p.server(), p.client());
      p.clientSide().write(text("sent during"));
      Weft.sleep(Duration.ofMillis(100));
      assertThat(p.atServer().text()).as("nothing crosses a partition").isEmpty();
      assertThat(p.net().isPartitioned(p.client(), p.server())).isTrue();
      p.net().heal(p.server(), p.client());
      String arrived = p.atServer().awaitBytes(22);
      double after = Weft.getRunningLoop().time() - t0;
      finish(p);
      return arrived + " @" + Math.round(after * 1000) + "ms";
    }));
    assertThat(got).as("healed at 105 ms, one link delay later").isEqualTo("in flight, sent during @115ms");
  }

  @Test
  void aOneWayPartition_cutsOnlyItsDirection() {
    passing(Simulation.run(Schedule.fifo(), () -> {
      Pair p = connect();
      p.net().partitionOneWay(p.client(), p.server());
      p.clientSide().write(text("lost for now"));
      p.atServer().made.result().write(text("still gets through"));
      assertThat(p.atClient().awaitBytes(18)).isEqualTo("still gets through");
      assertThat(p.atServer().text()).isEmpty();
      p.net().healAll();
      assertThat(p.atServer().awaitBytes(12)).isEqualTo("lost for now");
      finish(p);
      return null;
    }));
  }

  @Test
  void datagrams_acrossAPartition_areLost_includingThoseInFlight() {
    List<String> got = passing(Simulation.run(Schedule.fifo(), () -> {
      Simulation sim = Simulation.current();
      EventLoop loop = sim.loop();
      SimNetwork net = sim.network();
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      net.setLatency(server, client, Duration.ofMillis(10));
      List<String> received = new ArrayList<>();
      Net.DatagramEndpoint<DatagramProtocol> s = loop.createTask(() -> {
        server.makeCurrent();
        return Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {
          @Override
          public void datagramReceived(byte[] data, SocketAddress addr) {
            received.add(new String(data, StandardCharsets.UTF_8));
          }
        }, "server", 9, null, 0, false);
      }).await();
      loop.createTask(() -> {
        client.makeCurrent();
        Net.DatagramEndpoint<DatagramProtocol> c =
            Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
        c.transport().sendTo(text("before"), null);
        Weft.sleep(Duration.ofMillis(20));
        c.transport().sendTo(text("in flight"), null);
        Weft.sleep(Duration.ofMillis(5));
        net.partition(server, client, Duration.ofMillis(50));
        c.transport().sendTo(text("during"), null);
        Weft.sleep(Duration.ofMillis(60));
        c.transport().sendTo(text("after"), null);
        Weft.sleep(Duration.ofMillis(20));
        c.transport().close();
        return null;
      }).await();
      s.transport().close();
      return received;
    }));
    assertThat(got).containsExactly("before", "after");
  }

  @Test
  void aClog_holdsDatagramsToo_andDeliversThemWhenItEnds() {
    List<String> got = passing(Simulation.run(Schedule.fifo(), () -> {
      Simulation sim = Simulation.current();
      EventLoop loop = sim.loop();
      SimNetwork net = sim.network();
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      net.setLatency(server, client, Duration.ofMillis(10));
      List<String> received = new ArrayList<>();
      Net.DatagramEndpoint<DatagramProtocol> s = loop.createTask(() -> {
        server.makeCurrent();
        return Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {
          @Override
          public void datagramReceived(byte[] data, SocketAddress addr) {
            received.add(new String(data, StandardCharsets.UTF_8) + "@" + Math.round(loop.time() * 1000));
          }
        }, "server", 9, null, 0, false);
      }).await();
      loop.createTask(() -> {
        client.makeCurrent();
        Net.DatagramEndpoint<DatagramProtocol> c =
            Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
        double t0 = loop.time();
        c.transport().sendTo(text("in flight"), null);
        Weft.sleep(Duration.ofMillis(5));
        net.clog(client, server, Duration.ofMillis(50));
        c.transport().sendTo(text("during"), null);
        Weft.sleep(Duration.ofMillis(100));
        c.transport().close();
        return null;
      }).await();
      s.transport().close();
      return received;
    }));
    assertThat(got).as("the clog began at 5 ms and ended at 55 ms; both arrive one delay later, in order")
        .containsExactly("in flight@65", "during@65");
  }

  @Test
  void aLongPartition_withAStreamTimeout_endsTheConnection_andTheConnectBehindItTimesOut() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      Pair p = connect();
      p.net().setStreamTimeout(Duration.ofSeconds(30));
      p.net().partition(p.server(), p.client());
      p.clientSide().write(text("never acknowledged"));
      Throwable lost = p.atClient().awaitLost();
      String when = Math.round(Weft.getRunningLoop().time()) + "s";
      assertThatThrownBy(() -> Weft.getRunningLoop().createTask(() -> {
        p.client().makeCurrent();
        return Net.createConnection(() -> new Recorder(Weft.getRunningLoop(), WAIT), "server", 7);
      }).await()).isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("Connection timed out");
      p.net().healAll();
      Weft.sleep(Duration.ofSeconds(1));
      assertThat(p.atServer().lost.isDone()).as("no RST after a timeout: the peer's end is half-open").isFalse();
      p.atServer().made.result().write(text("anyone there?"));
      Throwable peer = p.atServer().awaitLost();
      p.listener().close();
      return lost.getMessage() + " at " + when + "; the peer, after the heal: " + peer.getMessage();
    });
    if (!r.passed()) {
      System.err.println(String.join("\n", r.trace().tail(40)));
    }
    String got = passing(r);
    assertThat(got).matches("Connection timed out: .*:7 at 30s; the peer, after the heal: Connection reset by peer: .*");
  }

  @Test
  void aLongPartition_withAResettingStreamTimeout_resetsBothEndsAtTheTimeout() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      Pair p = connect();
      p.net().setStreamTimeoutWithReset(Duration.ofSeconds(30));
      p.net().partition(p.server(), p.client());
      p.clientSide().write(text("never acknowledged"));
      Throwable lost = p.atClient().awaitLost();
      String when = Math.round(Weft.getRunningLoop().time()) + "s";
      Throwable peer = p.atServer().awaitLost();
      String peerWhen = Math.round(Weft.getRunningLoop().time()) + "s";
      p.net().healAll();
      p.listener().close();
      return lost.getMessage() + " at " + when + "; the peer: " + peer.getMessage() + " at " + peerWhen;
    });
    String got = passing(r);
    assertThat(got).matches("Connection reset by peer: .* at 30s; the peer: Connection reset by peer: .* at 30s");
    assertThatThrownBy(() -> Simulation.run(Schedule.fifo(), () -> {
      Simulation.current().network().setStreamTimeoutWithReset(Duration.ZERO);
      return null;
    }).orThrow()).hasMessageContaining("PT0S");
  }

  @Test
  void partitionsAreInTheTrace_andRepeatExactly() {
    io.weft.AsyncCallable<Long> program = () -> {
      Pair p = connect();
      double t0 = Weft.getRunningLoop().time();
      p.net().partition(p.server(), p.client(), Duration.ofMillis(40));
      p.clientSide().write(text("x"));
      p.atServer().awaitBytes(1);
      long ms = Math.round((Weft.getRunningLoop().time() - t0) * 1000);
      finish(p);
      return ms;
    };
    SimResult<Long> a = Simulation.run(Schedule.fifo(), program);
    if (!a.passed()) {
      System.err.println(String.join("\n", a.trace().tail(60)));
    }
    SimResult<Long> b = Simulation.run(Schedule.fifo(), program);
    assertThat(passing(a)).as("held 40 ms, then one 10 ms delay").isEqualTo(50);
    assertThat(b.traceHash()).isEqualTo(a.traceHash());
    assertThat(String.join("\n", a.trace().render(0, Integer.MAX_VALUE))).contains("net partition").contains("net heal");
  }

  @Test
  void badArguments_areNamed() {
    passing(Simulation.run(Schedule.fifo(), () -> {
      SimNetwork net = Simulation.current().network();
      SimHost a = net.addHost("a");
      assertThatThrownBy(() -> net.partition(a, a)).hasMessageContaining("itself").hasMessageContaining("a");
      assertThatThrownBy(() -> net.partition(a, net.addHost("b"), Duration.ZERO))
          .hasMessageContaining("positive").hasMessageContaining("PT0S");
      assertThatThrownBy(() -> net.setStreamTimeout(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
      return null;
    }));
  }
}
