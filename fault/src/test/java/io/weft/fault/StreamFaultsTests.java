package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.net.DatagramProtocol;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.Streams;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slicing, resets, refused connects and corruption, each observable at the socket API: a framing bug that only a
 * sliced read shows is found and shrunk to one slice while the correct reader passes; a reset reaches both ends; a
 * refused connect is a ConnectException; a corrupted datagram differs in one byte.
 */
class StreamFaultsTests {

  /** How the server reads its 8-byte messages: wrongly (one read is one message) or rightly. */
  enum Framing { ONE_READ_IS_ONE_MESSAGE, READ_EXACTLY }

  /** Five 8-byte messages from a client host to a server host; the server returns what it decoded. */
  static List<String> framingProgram(FaultPlan plan, Framing framing) throws Exception {
    SimNetwork net = Simulation.current().network();
    plan.applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    List<String> decoded = new ArrayList<>();
    Future<Void> done = loop.createFuture();
    Future<Server> started = loop.createFuture();
    loop.createTask(() -> {
      server.makeCurrent();
      started.setResult(Streams.startServer((reader, writer) -> {
        for (int i = 0; i < 5; i++) {
          byte[] m = framing == Framing.READ_EXACTLY ? reader.readExactly(8) : reader.read(100);
          decoded.add(new String(m, StandardCharsets.US_ASCII));
        }
        writer.close();
        done.setResult(null);
      }, "server", 7));
      return null;
    }).await();
    Server s = started.result();
    loop.createTask(() -> {
      client.makeCurrent();
      Streams.Pair c = Streams.openConnection("server", 7);
      for (int i = 0; i < 5; i++) {
        c.writer().write(("msg-" + i + "...").getBytes(StandardCharsets.US_ASCII));
        c.writer().drain();
        Weft.sleep(Duration.ofMillis(1));
      }
      c.reader().read(-1);
      c.writer().close();
      c.writer().waitClosed();
      return null;
    }).await();
    done.await();
    s.close();
    s.waitClosed();
    return decoded;
  }

  static SimResult<List<String>> framing(Schedule s, FaultPlan plan, Framing framing) {
    return Simulation.run(s, () -> {
      List<String> got = framingProgram(plan, framing);
      for (int i = 0; i < 5; i++) {
        if (!got.get(i).equals("msg-" + i + "...")) {
          throw new AssertionError("message " + i + " decoded as \"" + got.get(i) + "\"");
        }
      }
      return got;
    });
  }

  @Test
  void slicing_findsTheFramingBug_shrinksToOneSlice_andTheCorrectReaderPassesEverySchedule() {
    FaultPlan plan = FaultPlan.parse("client->server: slice=20%");
    assertThat(framing(Schedule.fifo(), plan, Framing.ONE_READ_IS_ONE_MESSAGE).passed())
        .as("unsliced, one read happens to be one message").isTrue();
    SimResult<List<String>> failed = null;
    for (long seed = 1; seed <= 30 && failed == null; seed++) {
      SimResult<List<String>> r = framing(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), plan,
          Framing.ONE_READ_IS_ONE_MESSAGE);
      failed = r.passed() ? null : r;
    }
    assertThat(failed).isNotNull();
    int[] choices = failed.replay().choices();
    SimResult<List<String>> single = null;
    for (int i = 0; i < choices.length && single == null; i++) {
      if (choices[i] != 0) {
        int[] one = new int[choices.length];
        one[i] = choices[i];
        SimResult<List<String>> r = framing(failed.replay().replaying(one), plan, Framing.ONE_READ_IS_ONE_MESSAGE);
        single = r.passed() ? null : r;
      }
    }
    assertThat(single).isNotNull();
    assertThat(single.deviations()).singleElement().asString()
        .as("the segment names the user's write that sent it")
        .containsPattern("the segment of 8 bytes client -> server \\(connection #\\d+, sent by the write at"
            + " StreamFaultsTests.framingProgram:\\d+\\) arrived in \\d+ pieces"
            + " \\(.*bytes\\) \\(slice 20%\\) \\(FAULT, alternative [123] of 4\\)");

    for (long seed = 1; seed <= 30; seed++) {
      SimResult<List<String>> r = framing(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), plan, Framing.READ_EXACTLY);
      assertThat(r.passed()).as("seed %d: %s", seed, r.failure()).isTrue();
    }
  }

  @Test
  void theCutsAreHalvesQuartersAndOneBytePieces() {
    assertThat(FaultPlan.cut(8, 1)).containsExactly(4, 4);
    assertThat(FaultPlan.cut(10, 2)).containsExactly(3, 3, 2, 2);
    assertThat(FaultPlan.cut(3, 2)).containsExactly(1, 1, 1);
    assertThat(FaultPlan.cut(5, 3)).containsExactly(1, 1, 1, 1, 1);
    int[] many = FaultPlan.cut(1000, 3);
    assertThat(many).hasSize(FaultPlan.MAX_PIECES);
    assertThat(many[FaultPlan.MAX_PIECES - 1]).isEqualTo(1000 - 63);
  }

  @Test
  void anInjectedReset_reachesBothEnds_asAResetNotAnEof() {
    SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 1), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: reset=100%").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Future<String> serverSaw = loop.createFuture();
      Server s = loop.createTask(() -> {
        server.makeCurrent();
        return Streams.startServer((reader, writer) -> {
          try {
            reader.read(-1);
            serverSaw.setResult("EOF");
          } catch (Exception e) {
            serverSaw.setResult(e instanceof java.io.IOException ? e.getMessage() : "not an IOException: " + e);
          }
          writer.close();
        }, "server", 7);
      }).await();
      String clientSaw = loop.createTask(() -> {
        client.makeCurrent();
        Streams.Pair c = Streams.openConnection("server", 7);
        c.writer().write("hello".getBytes(StandardCharsets.US_ASCII));
        try {
          c.reader().read(-1);
          return "EOF";
        } catch (Exception e) {
          return e instanceof java.io.IOException ? e.getMessage() : "not an IOException: " + e;
        } finally {
          c.writer().close();
        }
      }).await();
      String result = "client: " + clientSaw + "; server: " + serverSaw.await();
      s.close();
      s.waitClosed();
      return result;
    });
    if (!r.passed()) {
      System.err.println(String.join("\n", r.trace().tail(40)));
    }
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).matches("client: Connection reset by peer: .*; server: Connection reset by peer: .*");
    assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("was reset (RST both ways) in place of its"
        + " segment of 5 bytes (reset 100%)"));
  }

  @Test
  void aRefusedConnect_isAConnectException_andFifoNeverRefuses() {
    io.weft.AsyncCallable<String> program = () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: refuse=50%").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Server s = loop.createTask(() -> {
        server.makeCurrent();
        return Streams.startServer((reader, writer) -> writer.close(), "server", 7);
      }).await();
      String outcome = loop.createTask(() -> {
        client.makeCurrent();
        try {
          Streams.Pair c = Streams.openConnection("server", 7);
          c.reader().read(-1);
          c.writer().close();
          c.writer().waitClosed();
          return "connected";
        } catch (ConnectException e) {
          return "refused";
        }
      }).await();
      s.close();
      s.waitClosed();
      return outcome;
    };
    SimResult<String> fifo = Simulation.run(Schedule.fifo(), program);
    assertThat(fifo.value()).isEqualTo("connected");
    List<String> outcomes = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), program);
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      outcomes.add(r.value());
    }
    assertThat(outcomes).contains("refused", "connected");
  }

  @Test
  void aBandwidth_pacesAStream_exactlyOnVirtualTime() {
    SimResult<Long> r = Simulation.run(Schedule.fifo(), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: bandwidth=100KB/s").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Server s = loop.createTask(() -> {
        server.makeCurrent();
        return Streams.startServer((reader, writer) -> {
          reader.readExactly(50_000);
          writer.write(new byte[] {1});
          writer.close();
        }, "server", 7);
      }).await();
      long ms = loop.createTask(() -> {
        client.makeCurrent();
        Streams.Pair c = Streams.openConnection("server", 7);
        double t0 = loop.time();
        c.writer().write(new byte[50_000]);
        c.reader().readExactly(1);
        c.writer().close();
        c.writer().waitClosed();
        return Math.round((loop.time() - t0) * 1000);
      }).await();
      s.close();
      s.waitClosed();
      return ms;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).as("50,000 bytes at 100,000 bytes/s; the answer back is not limited").isEqualTo(500);
  }

  @Test
  void aLostSyn_timesTheConnectOut_afterTheNetworksConnectTimeout_andAUserTimeoutLeavesNothingOpen() {
    SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 1), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: connect_timeout=100%").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Server s = loop.createTask(() -> {
        server.makeCurrent();
        return Streams.startServer((reader, writer) -> writer.close(), "server", 7);
      }).await();
      List<String> out = new ArrayList<>();
      for (Duration timeout : new Duration[] {null, Duration.ofSeconds(5)}) {
        if (timeout != null) {
          net.setConnectTimeout(timeout);
        }
        out.add(loop.createTask(() -> {
          client.makeCurrent();
          double t0 = loop.time();
          try {
            Streams.openConnection("server", 7);
            return "connected";
          } catch (java.net.SocketTimeoutException e) {
            return e.getMessage().replaceAll(":.*", "") + " after " + Math.round(loop.time() - t0) + " s";
          }
        }).await());
      }
      out.add(loop.createTask(() -> {
        client.makeCurrent();
        try {
          Weft.waitFor(Weft.createTask(() -> Streams.openConnection("server", 7)), Duration.ofSeconds(1));
          return "connected";
        } catch (io.weft.TimeoutError e) {
          return "the caller's own timeout";
        }
      }).await());
      s.close();
      s.waitClosed();
      return String.join("; ", out);
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("Connection timed out after 127 s; Connection timed out after 5 s;"
        + " the caller's own timeout");
    assertThat(r.deviations()).anySatisfy(d -> assertThat(d).contains("got no answer and timed out"));
  }

  @Test
  void aCorruptedDatagram_differsInItsMiddleByte() {
    SimResult<String> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 1), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("client->server: corrupt=100%").applyTo(net);
      SimHost server = net.addHost("server");
      SimHost client = net.addHost("client");
      EventLoop loop = Simulation.current().loop();
      Future<byte[]> got = loop.createFuture();
      Net.DatagramEndpoint<DatagramProtocol> e = loop.createTask(() -> {
        server.makeCurrent();
        return Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {
          @Override
          public void datagramReceived(byte[] data, SocketAddress addr) {
            got.setResult(data);
          }
        }, "server", 9, null, 0, false);
      }).await();
      loop.createTask(() -> {
        client.makeCurrent();
        Net.DatagramEndpoint<DatagramProtocol> c =
            Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
        c.transport().sendTo("abcde".getBytes(StandardCharsets.US_ASCII), null);
        c.transport().close();
        return null;
      }).await();
      byte[] data = got.await();
      e.transport().close();
      return new String(data, StandardCharsets.ISO_8859_1);
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("ab" + (char) ('c' ^ 0xff) + "de");
  }
}
