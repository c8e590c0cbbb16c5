package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.spi.Network;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Client/server programs on a simulation's network: every delivery is in the trace, and runs repeat exactly. */
class SimNetworkDeterminismTests {

  /**
   * Three clients on their own hosts talk to an echo server on a fourth, each line and its echo crossing links with
   * different latencies; returns what the clients got back, with the virtual time each finished.
   */
  static String echoProgram() throws Exception {
    return echoProgram(3);
  }

  /** The echo program with client i's link to the server taking 1 + i * {@code stepMillis} ms. */
  static String echoProgram(int stepMillis) throws Exception {
    Simulation sim = Simulation.current();
    SimNetwork net = sim.network();
    EventLoop loop = sim.loop();
    SimHost server = net.addHost("server");
    Network.ListenSocket listener = server.listen(new InetSocketAddress(server.address(), 7), 8, false, false);
    Task<Void> serving = loop.createTask(() -> {
      server.makeCurrent();
      List<Task<Void>> handlers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Network.StreamSocket s = NetIo.accept(listener);
        handlers.add(loop.createTask(() -> {
          String got = NetIo.readToEof(s);
          NetIo.writeAll(s, got.toUpperCase(java.util.Locale.ROOT));
          s.close();
          return null;
        }, "handler-" + i, null));
      }
      for (Task<Void> h : handlers) {
        h.await();
      }
      listener.close();
      return null;
    }, "server", null);
    List<Task<String>> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimHost host = net.addHost("client-" + i);
      net.setLatency(host, server, Duration.ofMillis(1 + stepMillis * i));
      int n = i;
      clients.add(loop.createTask(() -> {
        host.makeCurrent();
        InetSocketAddress to = net.resolve("server", 7).get(0);
        Network.StreamSocket s = NetIo.connect(net, to);
        NetIo.writeAll(s, "hello from " + n + "\n");
        s.shutdownOutput();
        String reply = NetIo.readToEof(s);
        s.close();
        return reply.strip() + " @" + loop.time();
      }, "client-" + i, null));
    }
    StringBuilder out = new StringBuilder();
    for (Task<String> c : clients) {
      out.append(c.await()).append('\n');
    }
    serving.await();
    return out.toString();
  }

  /**
   * The FIFO trace hash of {@link #echoProgram()}: pins the network's deliveries, their order and their trace events.
   * If it changes, saved schedules of network programs stop reproducing their runs: change it only on purpose.
   */
  static final String ECHO_FIFO_HASH = "f24697206d6bb31f";

  static final List<Schedule> SCHEDULES = List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
      Schedule.of(Mode.FAITHFUL, "PCT3", 11), Schedule.of(Mode.CHAOS, "RANDOM", 3));

  @Nested
  class SameSchedule {

    @Test
    void theEchoProgram_passes_andRunTwice_givesTheSameEventsAndHash_underEveryStrategy() {
      for (Schedule s : SCHEDULES) {
        SimResult<String> first = Simulation.run(s, SimNetworkDeterminismTests::echoProgram);
        assertThat(first.passed()).as("%s: %s", s, first.failure()).isTrue();
        SimResult<String> second = Simulation.run(s, SimNetworkDeterminismTests::echoProgram);

        assertThat(second.traceHash()).as("%s", s).isEqualTo(first.traceHash());
        assertThat(second.trace().render(0, Integer.MAX_VALUE)).isEqualTo(first.trace().render(0, Integer.MAX_VALUE));
        assertThat(second.value()).isEqualTo(first.value());
      }
    }

    @Test
    void theEchoes_comeBack_atTheTimesTheLatenciesGive() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimNetworkDeterminismTests::echoProgram);

      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      // client i: a connect (2 x (1 + 3i) ms), then the line, its FIN, the echo and the server's FIN (2 more trips)
      assertThat(r.value()).isEqualTo("""
          HELLO FROM 0 @0.004
          HELLO FROM 1 @0.016
          HELLO FROM 2 @0.028
          """);
    }

    @Test
    void everyDelivery_isANetEventInTheTrace() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimNetworkDeterminismTests::echoProgram);
      List<String> events = r.trace().render(0, Integer.MAX_VALUE);

      assertThat(events).anyMatch(e -> e.matches("\\d+ net syn #\\d+"));
      assertThat(events).anyMatch(e -> e.matches("\\d+ net syn-ack #\\d+"));
      assertThat(events).anyMatch(e -> e.matches("\\d+ net data #\\d+ 13 bytes"));
      assertThat(events).anyMatch(e -> e.matches("\\d+ net fin #\\d+"));
      assertThat(events).noneMatch(e -> e.contains(" timer "));
    }

    @Test
    void fifoHash_ofTheEchoProgram_isPinned() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), SimNetworkDeterminismTests::echoProgram);
      assertThat(r.trace().hashHex()).isEqualTo(ECHO_FIFO_HASH);
    }

    @Test
    void aSecondJvm_givesTheSameHashes() throws Exception {
      String javaCommand = ProcessHandle.current().info().command().orElseThrow();
      List<String> cmd = new ArrayList<>(List.of(javaCommand, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
          System.getProperty("java.class.path"), SimNetworkHashMain.class.getName()));
      List<String> expected = new ArrayList<>();
      for (Schedule s : SCHEDULES) {
        cmd.add(s.toString());
        expected.add(Simulation.run(s, SimNetworkDeterminismTests::echoProgram).trace().hashHex());
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      assertThat(text.strip().lines().toList()).as(text).isEqualTo(expected);
    }

    @Test
    void selfCheck_passes() {
      SimResult<String> r = Simulation.selfCheck(Schedule.of(Mode.FAITHFUL, "RANDOM", 5),
          io.weft.sim.SimOptions.DEFAULTS, SimNetworkDeterminismTests::echoProgram);
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
    }
  }

  @Nested
  class Ordering {

    /** Fifty numbered writes, some while earlier ones are in flight, read back in order. */
    static String manyWrites() throws Exception {
      SimNetwork net = Simulation.current().network();
      EventLoop loop = Simulation.current().loop();
      net.setLatency(Duration.ofMillis(1));
      Network.ListenSocket l = net.listen(new InetSocketAddress(net.currentHost().address(), 9), 1, false, false);
      Task<String> reader = loop.createTask(() -> {
        Network.StreamSocket s = NetIo.accept(l);
        String all = NetIo.readToEof(s);
        s.close();
        return all;
      }, "reader", null);
      Network.StreamSocket c = NetIo.connect(net, l.localAddress());
      StringBuilder sent = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        String piece = i + ",";
        sent.append(piece);
        NetIo.writeAll(c, piece);
        if (i % 7 == 0) {
          io.weft.Weft.sleep(Duration.ofNanos(300_000));
        }
      }
      c.close();
      String got = reader.await();
      l.close();
      return got.equals(sent.toString()) ? "in order" : "reordered: " + got;
    }

    @Test
    void aStream_isNeverReordered_whateverOrderTheStrategyGivesTimersWithEqualDeadlines() {
      for (long seed = 1; seed <= 6; seed++) {
        for (Mode mode : Mode.values()) {
          Schedule s = Schedule.of(mode, "RANDOM", seed);
          SimResult<String> r = Simulation.run(s, Ordering::manyWrites);
          assertThat(r.passed()).as("%s: %s", s, r.failure()).isTrue();
          assertThat(r.value()).as("%s", s).isEqualTo("in order");
        }
      }
    }
  }

  @Nested
  class Differences {

    @Test
    void anotherLatency_givesAnotherTrace() {
      SimResult<String> base = Simulation.run(Schedule.fifo(), SimNetworkDeterminismTests::echoProgram);
      SimResult<String> slower = Simulation.run(Schedule.fifo(), () -> echoProgram(4));

      assertThat(slower.passed()).as("%s", slower.failure()).isTrue();
      assertThat(slower.traceHash()).isNotEqualTo(base.traceHash());
      assertThat(slower.value()).isNotEqualTo(base.value());
    }

    @Test
    void aSocketLeftOpen_failsTheRunAsALeak_namingTheSocketAndWhereItWasOpened() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), io.weft.sim.userland.LeakySockets::listenAndForget);

      assertThat(r.passed()).isFalse();
      assertThat(r.failure().kind()).isEqualTo(io.weft.sim.SimFailure.Kind.LEAKED_SOCKETS);
      assertThat(r.failure().getMessage()).contains("1 socket(s) still open")
          .contains("listen#1@" + SimNetwork.FIRST_HOST + " listening on /10.0.0.1:80")
          .contains("opened at LeakySockets.listenAndForget:");
    }

    @Test
    void theSimulationsLoop_hasTheSimulationsNetwork() {
      SimResult<Boolean> r = Simulation.run(Schedule.fifo(),
          () -> Simulation.current().loop().network() == Simulation.current().network());
      assertThat(r.value()).isTrue();
    }

    @Test
    void aRunEndingWithDeliveriesInFlight_isNotALeakOfTimers() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        SimNetwork net = Simulation.current().network();
        net.setLatency(Duration.ofSeconds(1));
        Network.ListenSocket l = net.listen(new InetSocketAddress(net.currentHost().address(), 80), 1, false, false);
        Network.StreamSocket c = net.connect(l.localAddress(), null);
        c.close();
        l.close();
        return null;
      });

      assertThat(r.passed()).as("%s", r.failure()).isTrue();
    }
  }
}
