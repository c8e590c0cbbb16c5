package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Weft;
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

/**
 * A plan's random host crashes ({@code host NAME: crash=P/D}): each a fault decision taken as the host sends, so FIFO
 * never crashes, a crash replays exactly, a failure it causes keeps just the crash, and the host restarts after D with
 * its restart hooks.
 */
class HostCrashTests {

  /**
   * A counter kept in the server's memory, which a crash loses; the client adds 1 ten times, reconnecting and
   * retrying while the server is down, and returns what the server counts at the end.
   */
  static String counter(String plan) throws Exception {
    SimNetwork net = Simulation.current().network();
    FaultPlan.parse(plan).applyTo(net);
    SimHost server = net.addHost("server");
    SimHost client = net.addHost("client");
    EventLoop loop = Simulation.current().loop();
    long[] count = {0};
    List<String> events = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    io.weft.AsyncCallable<Object> start = () -> {
      server.makeCurrent();
      count[0] = 0; // the process starts again: its memory is gone
      servers.add(Streams.startServer((reader, writer) -> {
        for (byte[] line : reader) {
          count[0]++;
          writer.write((count[0] + "\n").getBytes(StandardCharsets.US_ASCII));
          writer.drain();
        }
        writer.close();
      }, "server", 7));
      return null;
    };
    server.onRestart(() -> {
      events.add("restarted at " + Math.round(loop.time() * 1000) + " ms");
      return start.call();
    });
    loop.createTask(start).await();
    String last = loop.createTask(() -> {
      client.makeCurrent();
      String answer = "";
      for (int i = 0; i < 10; i++) {
        while (true) {
          try {
            Streams.Pair c = Streams.openConnection("server", 7);
            c.writer().write("add\n".getBytes(StandardCharsets.US_ASCII));
            answer = new String(c.reader().readLine(), StandardCharsets.US_ASCII).strip();
            c.writer().close();
            if (!answer.isEmpty()) {
              break;
            }
          } catch (java.io.IOException e) {
            // down: try again a little later
          }
          Weft.sleep(Duration.ofMillis(20));
        }
        Weft.sleep(Duration.ofMillis(10));
      }
      return answer;
    }).await();
    for (Server s : servers) {
      s.close();
    }
    return "count " + last + (events.isEmpty() ? "" : ", " + String.join(", ", events));
  }

  static SimResult<String> run(Schedule s, String plan) {
    return Simulation.run(s, () -> {
      String got = counter(plan);
      if (!got.startsWith("count 10")) {
        throw new AssertionError("the server lost adds: " + got);
      }
      return got;
    });
  }

  @Test
  void aCrashIsAChoice_fifoNeverCrashes_aFailureKeepsJustTheCrash_andTheHostRestartsWithItsHooks() {
    String plan = "host server: crash=5%/100ms";
    assertThat(run(Schedule.fifo(), plan).value()).isEqualTo("count 10");
    SimResult<String> failed = null;
    for (long seed = 1; seed <= 40 && failed == null; seed++) {
      SimResult<String> r = run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed).withBounds(0, 0), plan);
      failed = r.passed() ? null : r;
    }
    assertThat(failed).as("a crash loses the count in some seed of 40").isNotNull();
    assertThat(failed.failure().getMessage()).contains("the server lost adds").contains("restarted at");
    assertThat(failed.deviations()).anySatisfy(d -> assertThat(d).contains("host server crashed just after it sent")
        .contains("and restarts 100.000 ms later (crash 5%/100ms)"));
    SimResult<String> again = run(failed.replay(), plan);
    assertThat(again.traceHash()).as("the replay").isEqualTo(failed.traceHash());

    int[] choices = failed.replay().choices();
    SimResult<String> single = null;
    for (int i = 0; i < choices.length && single == null; i++) {
      if (choices[i] != 0) {
        int[] one = new int[choices.length];
        one[i] = choices[i];
        SimResult<String> r = run(failed.replay().replaying(one), plan);
        single = r.passed() ? null : r;
      }
    }
    assertThat(single).as("one crash is enough").isNotNull();
    assertThat(single.deviations()).singleElement().asString().contains("host server crashed");
    assertThat(String.join("\n", single.trace().render(0, Integer.MAX_VALUE))).contains("net crash")
        .contains("net restart");
  }

  @Test
  void crashRulesReadBack_andBadOnesAreNamed() {
    String text = "a->b: loss=1%; host *: crash=0.5%/2s; host db: clock_offset=5ms";
    FaultPlan p = FaultPlan.parse(text);
    assertThat(FaultPlan.parse(p.toString())).isEqualTo(p);
    assertThat(p.hostCrashes()).containsExactly(new HostCrash("*", new TimedFault(0.005, 2_000_000_000L)));
    assertThat(FaultPlan.parse("host db: clock_offset=5ms, crash=1%/1s").toString())
        .isEqualTo("host db: clock_offset=5ms; host db: crash=1%/1s");
    assertThat(FaultPlan.builder().hostCrash("db", 0.01, Duration.ofSeconds(1)).build())
        .isEqualTo(FaultPlan.parse("host db: crash=1%/1s"));
    assertThatThrownBy(() -> FaultPlan.parse("host db: crash=1%")).hasMessageContaining("probability/duration");
    assertThatThrownBy(() -> FaultPlan.parse("host db: crash=1%/1s; host db: crash=2%/1s"))
        .hasMessageContaining("db has two crash rules");
    assertThatThrownBy(() -> FaultPlan.parse("host db:")).hasMessageContaining("clock_offset, clock_drift or crash");
  }
}
