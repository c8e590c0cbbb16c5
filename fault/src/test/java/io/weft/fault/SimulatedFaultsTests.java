package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.DatagramProtocol;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fault plans on the simulated network, through whole simulated programs: faults are choices (none under FIFO, as
 * likely as the plan says under RANDOM), a failure they cause replays exactly and names them, one fault is enough to
 * reproduce it, and streams stay in order whatever their latency.
 */
class SimulatedFaultsTests {

  /** Collects datagrams as ints. */
  static final class Collector implements DatagramProtocol {
    final List<Integer> got = new ArrayList<>();

    @Override
    public void datagramReceived(byte[] data, SocketAddress addr) {
      got.add(ByteBuffer.wrap(data).getInt());
    }
  }

  /**
   * A client host sends {@code count} numbered datagrams to a server host, 1 ms apart; after a quiet second the
   * server must have each exactly once, in order: what a program that trusts UDP assumes. Returns what arrived.
   */
  static List<Integer> udpProgram(FaultPlan plan, int count) throws Exception {
    SimNetwork net = Simulation.current().network();
    plan.applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    Future<Net.DatagramEndpoint<Collector>> bound = loop.createFuture();
    Task<Void> receiving = loop.createTask(() -> {
      server.makeCurrent();
      Net.DatagramEndpoint<Collector> e = Net.createDatagramEndpoint(Collector::new, "server", 9, null, 0, false);
      bound.setResult(e);
      Weft.sleep(Duration.ofSeconds(2));
      e.transport().close();
      return null;
    }, "server", null);
    Collector collected = bound.await().protocol();
    Task<Void> sending = loop.createTask(() -> {
      client.makeCurrent();
      Net.DatagramEndpoint<DatagramProtocol> e =
          Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
      for (int i = 0; i < count; i++) {
        e.transport().sendTo(ByteBuffer.allocate(4).putInt(i).array(), null);
        Weft.sleep(Duration.ofMillis(1));
      }
      e.transport().close();
      return null;
    }, "client", null);
    sending.await();
    receiving.await();
    return collected.got;
  }

  static SimResult<List<Integer>> runUdp(Schedule s, FaultPlan plan, int count) {
    return Simulation.run(s, () -> {
      List<Integer> got = udpProgram(plan, count);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        expected.add(i);
      }
      if (!got.equals(expected)) {
        throw new AssertionError("the server got " + got + ", expected 0.." + (count - 1) + " once each, in order");
      }
      return got;
    });
  }

  @Test
  void underFifo_aHarshPlanInjectsNothing_andTheProgramPasses() {
    SimResult<List<Integer>> r = runUdp(Schedule.fifo(), FaultPlan.HARSH, 20);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.replay().deviations()).as("every fault choice was 0").isZero();
    assertThat(r.deviations()).isEmpty();
  }

  @Test
  void withoutAPlan_nothingIsAsked_andTheTraceIsThePerfectNetworks() {
    SimResult<List<Integer>> none = runUdp(Schedule.fifo(), FaultPlan.NONE, 20);
    SimResult<List<Integer>> again = runUdp(Schedule.fifo(), FaultPlan.NONE, 20);
    assertThat(none.replay().choices()).isEmpty();
    assertThat(again.traceHash()).isEqualTo(none.traceHash());
  }

  @Test
  void randomFindsALoss_itsReplayFailsTheSameWay_andTheReportNamesTheDroppedDatagram() {
    FaultPlan plan = FaultPlan.parse("client->server: loss=5%");
    SimResult<List<Integer>> failed = null;
    for (long seed = 1; seed <= 40 && failed == null; seed++) {
      SimResult<List<Integer>> r = runUdp(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), plan, 20);
      if (!r.passed()) {
        failed = r;
      }
    }
    assertThat(failed).as("P(no loss in 20 datagrams) = 0.36 per seed: 40 seeds find one").isNotNull();
    assertThat(failed.failure().getMessage()).contains("the server got");
    assertThat(failed.deviations()).anySatisfy(d -> assertThat(d)
        .matches("at \\d+\\.\\d{6} s \\(virtual\\) the datagram of 4 bytes client -> server was dropped \\(loss 5%\\)"
            + " \\(FAULT, alternative 1 of 2\\)"));

    SimResult<List<Integer>> replay = runUdp(failed.replay(), plan, 20);
    assertThat(replay.passed()).isFalse();
    assertThat(replay.failure().getMessage()).isEqualTo(failed.failure().getMessage());
    assertThat(replay.traceHash()).isEqualTo(failed.traceHash());
  }

  @Test
  void oneFaultIsEnough_keepingOneDeviationOfTheFailingScheduleReproducesIt() {
    FaultPlan plan = FaultPlan.parse("*->*: loss=10%, dup=10%");
    SimResult<List<Integer>> failed = null;
    for (long seed = 1; seed <= 40 && failed == null; seed++) {
      SimResult<List<Integer>> r = runUdp(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), plan, 20);
      if (!r.passed() && r.replay().deviations() > 1) {
        failed = r;
      }
    }
    assertThat(failed).as("a failing run with several faults").isNotNull();
    int[] choices = failed.replay().choices();
    SimResult<List<Integer>> single = null;
    for (int i = 0; i < choices.length && single == null; i++) {
      if (choices[i] != 0) {
        int[] one = new int[choices.length];
        one[i] = choices[i];
        SimResult<List<Integer>> r = runUdp(failed.replay().replaying(one), plan, 20);
        if (!r.passed()) {
          single = r;
        }
      }
    }
    assertThat(single).as("each fault alone breaks a program that trusts UDP").isNotNull();
    assertThat(single.deviations()).singleElement().asString().containsAnyOf("was dropped", "was duplicated");
  }

  @Test
  void aRandomPartition_dropsTheDatagramsThatMeetIt_andShrinksToThatOnePartition() {
    FaultPlan plan = FaultPlan.parse("client<->server: partition=3%/5ms");
    SimResult<List<Integer>> failed = null;
    for (long seed = 1; seed <= 60 && failed == null; seed++) {
      SimResult<List<Integer>> r = runUdp(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), plan, 20);
      if (!r.passed()) {
        failed = r;
      }
    }
    assertThat(failed).as("P(no partition in 20 sends) = 0.54 per seed").isNotNull();
    int[] choices = failed.replay().choices();
    SimResult<List<Integer>> single = null;
    for (int i = 0; i < choices.length && single == null; i++) {
      if (choices[i] != 0) {
        int[] one = new int[choices.length];
        one[i] = choices[i];
        SimResult<List<Integer>> r = runUdp(failed.replay().replaying(one), plan, 20);
        single = r.passed() ? null : r;
      }
    }
    assertThat(single).isNotNull();
    assertThat(single.deviations()).singleElement().asString().matches("at \\d+\\.\\d{6} s \\(virtual\\) the link"
        + " client -> server \\(both ways\\) was partitioned for 5\\.000 ms, starting with the datagram of 4 bytes"
        + " client -> server \\(partition 3%\\) \\(FAULT, alternative 1 of 2\\)");
    // 5 ms at one datagram per millisecond: the one that starts it and the next four are lost.
    assertThat(single.failure().getMessage()).contains("the server got");
    assertThat(runUdp(single.replay(), plan, 20).traceHash()).isEqualTo(single.traceHash());
  }

  @Test
  void burstLoss_losesDatagramsInRuns_ofAboutTheMeanLength_whereIndependentLossLosesThemOneByOne() {
    List<Integer> burst = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
        () -> udpProgram(FaultPlan.parse("client->server: burst=4%/6"), 1_000)).orThrow();
    List<Integer> independent = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 7),
        () -> udpProgram(FaultPlan.parse("client->server: loss=10%"), 1_000)).orThrow();
    assertThat(meanRunOfLosses(burst)).as("runs of about 6 (the seed fixes them; 2.5-12 cannot flake)")
        .isBetween(2.5, 12.0);
    assertThat(meanRunOfLosses(independent)).as("independent 10% loss: runs of about 1.1").isLessThan(1.6);
    assertThat(Simulation.run(Schedule.fifo(), () -> udpProgram(FaultPlan.parse("client->server: burst=50%/6"), 100))
        .orThrow()).as("FIFO: no burst ever begins").hasSize(100);
  }

  /** The mean length of the runs of consecutive numbers missing from {@code got} (0..n-1 sent in order). */
  static double meanRunOfLosses(List<Integer> got) {
    java.util.Set<Integer> arrived = new java.util.HashSet<>(got);
    int runs = 0;
    int lost = 0;
    boolean inRun = false;
    for (int i = 0; i < 1_000; i++) { // udpProgram's server listens 2 s: 1,000 datagrams 1 ms apart all fit
      boolean missing = !arrived.contains(i);
      lost += missing ? 1 : 0;
      runs += missing && !inRun ? 1 : 0;
      inRun = missing;
    }
    assertThat(runs).as("some losses").isPositive();
    return (double) lost / runs;
  }

  @Test
  void lossIsAsLikelyAsThePlanSays() {
    FaultPlan plan = FaultPlan.parse("client->server: loss=25%");
    SimResult<List<Integer>> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 5), () -> udpProgram(plan, 1_000));
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    // 1,000 datagrams at 25%: 250 expected, standard deviation 13.7; the seed fixes the count, the bound is 5 sd.
    assertThat(1_000 - r.value().size()).isBetween(182, 318);
    SimResult<List<Integer>> pct = Simulation.run(Schedule.of(Mode.FAITHFUL, "PCT3", 5), () -> udpProgram(plan, 1_000));
    assertThat(1_000 - pct.value().size()).as("PCT draws faults by the plan's odds too").isBetween(182, 318);
  }

  @Test
  void theSameSeedGivesTheSameFaults_andTheSameTrace() {
    Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", 11);
    SimResult<List<Integer>> a = Simulation.run(s, () -> udpProgram(FaultPlan.HARSH, 200));
    SimResult<List<Integer>> b = Simulation.run(s, () -> udpProgram(FaultPlan.HARSH, 200));
    assertThat(a.passed()).as("%s", a.failure()).isTrue();
    assertThat(b.traceHash()).isEqualTo(a.traceHash());
    assertThat(b.value()).isEqualTo(a.value());
    assertThat(a.value()).as("harsh: losses, duplicates and reordering happened").isNotEqualTo(
        java.util.stream.IntStream.range(0, 200).boxed().toList());
  }

  /** Echoes bytes back. */
  static final class Echo implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(byte[] data) {
      transport.write(data);
    }
  }

  /** Receives until the peer closes. */
  static final class Sink implements Protocol {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    final Future<byte[]> done;

    Sink(EventLoop loop) {
      done = loop.createFuture();
    }

    @Override
    public void dataReceived(byte[] data) {
      got.writeBytes(data);
    }

    @Override
    public void connectionLost(Throwable cause) {
      done.setResult(got.toByteArray());
    }
  }

  static byte[] streamProgram(FaultPlan plan) throws Exception {
    SimNetwork net = Simulation.current().network();
    plan.applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    Future<Server> started = loop.createFuture();
    Task<Void> serving = loop.createTask(() -> {
      server.makeCurrent();
      Server s = Net.createServer(Echo::new, "server", 7);
      started.setResult(s);
      s.waitClosed();
      return null;
    }, "server", null);
    Server s = started.await();
    byte[] got = loop.createTask(() -> {
      client.makeCurrent();
      Net.Connection<Sink> c = Net.createConnection(() -> new Sink(loop), "server", 7);
      for (int i = 0; i < 50; i++) {
        c.transport().write(new byte[] {(byte) i, (byte) i});
        Weft.sleep(Duration.ofMillis(1));
      }
      Weft.sleep(Duration.ofSeconds(1));
      c.transport().close();
      return c.protocol().done.await();
    }, "client", null).await();
    s.close();
    serving.await();
    return got;
  }

  @Test
  void aStreamUnderHeavyLatency_staysInOrder_andTakesLonger() {
    byte[] expected = new byte[100];
    for (int i = 0; i < 50; i++) {
      expected[2 * i] = (byte) i;
      expected[2 * i + 1] = (byte) i;
    }
    FaultPlan plan = FaultPlan.parse("client<->server: latency=tail(1ms,200ms)");
    for (long seed = 1; seed <= 10; seed++) {
      SimResult<byte[]> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> streamProgram(plan));
      assertThat(r.passed()).as("seed %d: %s", seed, r.failure()).isTrue();
      assertThat(r.value()).as("seed %d: every byte, in order", seed).isEqualTo(expected);
      assertThat(r.deviations()).as("slow deliveries were injected and described")
          .anySatisfy(d -> assertThat(d).contains("took").contains("to arrive").contains("(FAULT, alternative"));
    }
  }
}
