package com.example.hits;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import io.weft.testengine.AsyncTest;
import java.nio.charset.StandardCharsets;

/**
 * What a consumer writes with weft-fault through the test engine alone: hosts, a fault plan, a stream service across
 * them. TCP is reliable, so the counts come back right under the mild preset's latency and datagram faults, and
 * under partitions that heal (the data waits behind them).
 */
class ReplicatedHitsFaultTests {

  @AsyncTest(schedules = 60, hosts = {"counter", "web"},
      faults = "web<->counter: latency=uniform(0ms,3ms), partition=5%/50ms; *->*: latency=fixed(100us)")
  void hitsCountedAcrossHosts_underFaults(SimNetwork network) throws Exception {
    SimHost counterHost = network.host("counter");
    SimHost web = network.host("web");
    HitCounter counter = new HitCounter((page, count) -> { });
    Server server = Weft.createTask(() -> {
      counterHost.makeCurrent();
      return Streams.startServer((reader, writer) -> {
        for (byte[] line : reader) {
          long n = counter.hit(new String(line, StandardCharsets.UTF_8).strip());
          writer.write((n + "\n").getBytes(StandardCharsets.UTF_8));
          writer.drain();
        }
        writer.close();
      }, "counter", 7000);
    }).await();
    String last = Weft.createTask(() -> {
      web.makeCurrent();
      Streams.Pair c = Streams.openConnection("counter", 7000);
      String answer = "";
      for (int i = 0; i < 5; i++) {
        c.writer().write("/home\n".getBytes(StandardCharsets.UTF_8));
        answer = new String(c.reader().readLine(), StandardCharsets.UTF_8).strip();
      }
      c.writer().close();
      c.writer().waitClosed();
      return answer;
    }).await();
    server.close();
    server.waitClosed();
    assertThat(last).isEqualTo("5");
  }
}
