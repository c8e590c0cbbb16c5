package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.net.DatagramProtocol;
import io.weft.net.Net;
import io.weft.sim.net.SimHost;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Fixture (run only through EngineTestKit): a program that trusts UDP, under a fault plan that drops, delays and so
 * reorders datagrams. The perfect network (FIFO: no fault) delivers every datagram in order; one fault breaks it.
 */
class LossyUdpTestCase {

  @AsyncTest(schedules = 30, seed = "3", faults = "client->server: latency=uniform(0ms,4ms), loss=5%",
      hosts = {"server", "client"})
  void everyDatagramArrivesOnceInOrder(io.weft.sim.net.SimNetwork network) throws Exception {
    SimHost server = network.host("server");
    SimHost client = network.host("client");
    assertThat(server.address().getHostAddress()).as("hosts() adds hosts in order").isEqualTo("10.0.0.2");
    List<Integer> got = new ArrayList<>();
    var receiving = Weft.createTask(() -> {
      server.makeCurrent();
      var e = Net.createDatagramEndpoint(() -> new DatagramProtocol() {
        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
          got.add(ByteBuffer.wrap(data).getInt());
        }
      }, "server", 9, null, 0, false);
      Weft.sleep(Duration.ofSeconds(1));
      e.transport().close();
      return null;
    });
    Weft.sleep(Duration.ZERO);
    Weft.createTask(() -> {
      client.makeCurrent();
      var e = Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, null, 0, "server", 9, false);
      for (int i = 0; i < 10; i++) {
        e.transport().sendTo(ByteBuffer.allocate(4).putInt(i).array(), null);
        Weft.sleep(Duration.ofMillis(1));
      }
      e.transport().close();
      return null;
    }).await();
    receiving.await();
    assertThat(got).as("datagrams received").isEqualTo(IntStream.range(0, 10).boxed().toList());
  }
}
