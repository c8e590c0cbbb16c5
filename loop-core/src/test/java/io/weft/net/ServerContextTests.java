package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.ContextVar;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Context variables reach a server's connections as in asyncio: its accept callback runs in a copy of the context the
 * server was started in ({@code add_reader} copies the caller's), so a stream handler's task sees the variables set
 * before {@code startServer}, and a change the handler makes stays in its own task.
 */
class ServerContextTests {

  static final ContextVar<String> TENANT = new ContextVar<>("tenant");

  static String program() throws Exception {
    EventLoop loop = Weft.getRunningLoop();
    Future<String> seen = loop.createFuture();
    TENANT.set("acme");
    Server server = Streams.startServer((reader, writer) -> {
      seen.setResult(TENANT.get("unset"));
      TENANT.set("changed by the handler");
      writer.close();
    }, "127.0.0.1", 0);
    TENANT.set("changed after start");
    int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    Streams.Pair c = Streams.openConnection("127.0.0.1", port);
    String inHandler = Weft.waitFor(seen, Duration.ofSeconds(10));
    c.reader().read(-1);
    c.writer().close();
    c.writer().waitClosed();
    server.close();
    server.waitClosed();
    return inHandler + " / " + TENANT.get();
  }

  @Test
  void onNio_theHandlerSeesTheVariablesOfWhereTheServerStarted() {
    assertThat(Weft.run(ServerContextTests::program)).isEqualTo("acme / changed after start");
  }

  @Test
  void onTheSimulatedNetwork_too() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), ServerContextTests::program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("acme / changed after start");
  }
}
