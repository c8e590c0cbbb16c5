package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link DatagramContractTests} on the simulated network, on a virtual loop. Open resources are the network's
 * open sockets, with no tolerance; every test ends with none open. The network is wrapped in a
 * {@link ChokingNetwork}, transparent until a test fills its sockets' send buffers.
 */
class SimDatagramTests extends DatagramContractTests {

  SimNetwork sim;
  ChokingNetwork network;

  @Override
  protected EventLoop newLoop() {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    network = new ChokingNetwork(sim);
    return EventLoop.builder().clock(clock).poller(poller).network(network).build();
  }

  @Override
  protected long openResources() {
    return sim.openSockets();
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }

  @Test
  void aSocketWithNoRoom_buffersInOrder_pausesAndResumesOnce_andCloseSendsTheBufferFirst() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> client = open(null, sockname(server.transport()));
      DatagramTransport t = client.transport();
      t.setWriteBufferLimits(10, 4);
      network.full = true;
      t.sendTo(bytes("aaaa"), null);
      assertThat(t.getWriteBufferSize()).isEqualTo(4);
      byte[] reused = bytes("bbbb");
      t.sendTo(reused, null);
      reused[0] = 'X'; // the buffer holds a copy
      t.sendTo(bytes("cccc"), null);
      assertThat(t.getWriteBufferSize()).isEqualTo(12);
      assertThat(client.protocol().pauses).as("pauseWriting above the high-water mark").isEqualTo(1);
      // (a simulated socket is always writable, so the loop's clock stands still while the choked sends spin)
      for (int i = 0; i < 3; i++) {
        Weft.sleep(Duration.ZERO);
      }
      assertThat(network.refusedSends).as("the transport retried when writable").isGreaterThan(1);
      assertThat(t.getWriteBufferSize()).isEqualTo(12);

      t.close(); // flushes first
      assertThat(t.isClosing()).isTrue();
      network.full = false;
      await(() -> server.protocol().data.size() == 3, "the buffered datagrams");
      assertThat(server.protocol().data).containsExactly("aaaa", "bbbb", "cccc");
      await(() -> !client.protocol().lost.isEmpty(), "connectionLost after the flush");
      assertThat(client.protocol().events).containsExactly("made", "pause", "resume", "lost");
      assertThat(client.protocol().lost).containsExactly((Throwable) null);
      assertThat(t.getWriteBufferSize()).isZero();
      server.transport().close();
    });
  }

  @Test
  void abort_dropsTheBuffer() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> client = open(null, sockname(server.transport()));
      network.full = true;
      client.transport().sendTo(bytes("never"), null);
      client.transport().abort();
      network.full = false;
      await(() -> !client.protocol().lost.isEmpty(), "connectionLost");
      assertThat(client.transport().getWriteBufferSize()).isZero();
      Weft.sleep(Duration.ofMillis(20));
      assertThat(server.protocol().data).isEmpty();
      server.transport().close();
    });
  }
}
