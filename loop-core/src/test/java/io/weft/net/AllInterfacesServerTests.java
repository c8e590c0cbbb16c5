package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server on every interface (asyncio's {@code host=None}): a null or empty host listens on the wildcard. */
class AllInterfacesServerTests {

  static String echoOnce(String host, int port) throws Exception {
    Streams.Pair c = Streams.openConnection(host, port);
    c.writer().write("hi\n".getBytes(StandardCharsets.UTF_8));
    String line = new String(c.reader().readLine(), StandardCharsets.UTF_8).strip();
    c.writer().close();
    c.writer().waitClosed();
    return line;
  }

  static Server echoServer(String host) throws Exception {
    return Streams.startServer((reader, writer) -> {
      writer.write(reader.readLine());
      writer.close();
    }, host, 0);
  }

  @Test
  void onNio_aNullHost_listensOnTheJdksWildcard_andLoopbackReachesIt() {
    List<String> got = Weft.run(() -> {
      Server server = echoServer(null);
      List<String> out = new ArrayList<>();
      InetSocketAddress bound = (InetSocketAddress) server.sockets().get(0).localAddress();
      out.add(String.valueOf(bound.getAddress().isAnyLocalAddress()));
      out.add(echoOnce("127.0.0.1", bound.getPort()));
      if (bound.getAddress() instanceof java.net.Inet6Address) {
        out.add(echoOnce("::1", bound.getPort())); // one dual-stack socket serves both families
      } else {
        out.add("hi");
      }
      server.close();
      server.waitClosed();
      return out;
    });
    assertThat(got).containsExactly("true", "hi", "hi");
  }

  @Test
  void onTheSimulatedNetwork_anEmptyHost_listensOnTheHostsWildcard_andOtherHostsReachIt() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      SimHost server = Simulation.current().network().addHost("server");
      SimHost client = Simulation.current().network().addHost("client");
      Server s = Weft.createTask(() -> {
        server.makeCurrent();
        return echoServer("");
      }).await();
      int port = ((InetSocketAddress) s.sockets().get(0).localAddress()).getPort();
      String line = Weft.createTask(() -> {
        client.makeCurrent();
        return echoOnce("server", port);
      }).await();
      String local = Weft.createTask(() -> {
        server.makeCurrent();
        return echoOnce("127.0.0.1", port);
      }).await();
      s.close();
      s.waitClosed();
      return s.sockets().isEmpty() + " " + line + " " + local;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).endsWith("hi hi");
  }
}
