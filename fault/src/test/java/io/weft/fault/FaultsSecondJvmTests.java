package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
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
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Determinism with faults: a program of streams and datagrams across hosts, under a plan with every kind of fault
 * drawn at random (latency, loss, duplication, corruption, partitions, clogs, slicing, resets, refusals, bandwidth)
 * and a host crash and restart, gives the same trace hash and the same outcome in repeated runs and in a second JVM.
 */
class FaultsSecondJvmTests {

  static final FaultPlan PLAN = FaultPlan.parse("client<->server: latency=tail(1ms,20ms), loss=10%, dup=10%,"
      + " corrupt=5%, partition=3%/40ms, clog=3%/40ms, slice=20%, reset=3%, refuse=10%, bandwidth=200KB/s,"
      + " reorder=10%/3ms, accept_delay=20%/50ms, slow_close=30%/100ms;"
      + " host *: clock_offset=-20ms..20ms, clock_drift=-500ppm..500ppm");

  static final List<Schedule> SCHEDULES = List.of(Schedule.fifo(), Schedule.of(Mode.FAITHFUL, "RANDOM", 1),
      Schedule.of(Mode.FAITHFUL, "RANDOM", 2), Schedule.of(Mode.FAITHFUL, "PCT3", 3),
      Schedule.of(Mode.FAITHFUL, "POS", 4), Schedule.of(Mode.CHAOS, "RANDOM", 5));

  /** Runs the program under {@code s}: what each side saw, or why it failed. */
  static SimResult<String> run(Schedule s) {
    return Simulation.run(s, FaultsSecondJvmTests::program);
  }

  static String line(SimResult<String> r) {
    return r.trace().hashHex() + " " + r.replay().deviations() + " " + (r.passed()
        ? Integer.toHexString(r.value().hashCode()) : r.failure().kind().toString());
  }

  static String program() throws Exception {
    SimNetwork net = Simulation.current().network();
    PLAN.applyTo(net);
    net.setStreamTimeout(Duration.ofSeconds(2));
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    List<String> seen = new ArrayList<>();
    server.onRestart(() -> {
      seen.add("restarted at " + loop.time());
      return null;
    });
    Server s = loop.createTask(() -> {
      server.makeCurrent();
      return Streams.startServer((reader, writer) -> {
        try {
          for (byte[] line : reader) {
            writer.write(line);
            writer.drain();
          }
        } catch (java.io.IOException e) {
          seen.add("server: " + e.getClass().getSimpleName());
        }
        writer.close();
      }, "server", 7);
    }).await();
    Net.DatagramEndpoint<DatagramProtocol> udp = loop.createTask(() -> {
      server.makeCurrent();
      return Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {
        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
          seen.add("udp " + ByteBuffer.wrap(data).getInt());
        }
      }, "server", 9, null, 0, false);
    }).await();
    loop.createTask(() -> {
      client.makeCurrent();
      Net.DatagramEndpoint<DatagramProtocol> c =
          Net.<DatagramProtocol>createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
      for (int i = 0; i < 20; i++) {
        c.transport().sendTo(ByteBuffer.allocate(4).putInt(i).array(), null);
        Weft.sleep(Duration.ofMillis(1));
      }
      c.transport().close();
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          Streams.Pair p = Streams.openConnection("server", 7);
          for (int i = 0; i < 5; i++) {
            p.writer().write(("line " + attempt + "." + i + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] back = Weft.waitFor(Weft.createTask(() -> p.reader().readLine()), Duration.ofSeconds(1));
            seen.add("echo " + new String(back, StandardCharsets.UTF_8).strip());
          }
          p.writer().close();
          break;
        } catch (Exception e) {
          seen.add("client: " + e.getClass().getSimpleName());
        }
      }
      return null;
    }).await();
    seen.add("clock " + loop.createTask(() -> {
      server.makeCurrent();
      return io.weft.time.WallClock.current().millis();
    }).await());
    server.crash();
    Weft.sleep(Duration.ofMillis(10));
    for (io.weft.Task<Object> t : server.restart()) {
      t.await();
    }
    Weft.sleep(Duration.ofSeconds(3)); // everything in flight lands or times out
    return String.join(",", seen);
  }

  @Test
  void everyKindOfFault_repeatsExactly_inThisJvmAndASecondOne() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), FaultsHashMain.class.getName()));
    List<String> expected = new ArrayList<>();
    int faulted = 0;
    for (Schedule s : SCHEDULES) {
      SimResult<String> a = run(s);
      SimResult<String> b = run(s);
      assertThat(line(b)).as("%s", s).isEqualTo(line(a));
      faulted += a.replay().deviations() > 0 ? 1 : 0;
      cmd.add(s.toString());
      expected.add(line(a));
    }
    assertThat(faulted).as("the random schedules did inject faults").isGreaterThanOrEqualTo(4);
    SimResult<String> fifo = run(Schedule.fifo());
    assertThat(fifo.passed()).as("%s", fifo.failure()).isTrue();
    assertThat(fifo.value()).as("the perfect network: every datagram, every echo, the crash and the restart")
        .contains("udp 0", "udp 19", "echo line 0.0", "echo line 0.4", "restarted at");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text.strip().lines().toList()).as(text).isEqualTo(expected);
  }
}
