package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link TransportContractTests} on the simulated network, on a virtual loop built as the network's own tests
 * build it. Open resources are the network's open sockets, with no tolerance; every test ends with none open.
 */
class SimTransportTests extends StreamContractTests {

  SimNetwork sim;

  @Override
  protected EventLoop newLoop() {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).build();
  }

  @Override
  protected long openResources() {
    return sim.openSockets();
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }

  private int paths;

  @Override
  protected java.nio.file.Path unixPath() {
    return java.nio.file.Path.of("/run/transport-" + ++paths + ".sock");
  }

  @org.junit.jupiter.api.Test
  void aConnectCancelledWhileItIsPending_leavesNoSocketOpen() {
    run(() -> {
      Server server = Net.createServer(this::recorder, host(), 0);
      int port = port(server);
      sim.setLatency(java.time.Duration.ofMillis(50));
      long before = sim.openSockets();
      io.weft.Task<Net.Connection<Recorder>> connecting =
          io.weft.Weft.createTask(() -> Net.createConnection(this::recorder, host(), port));
      io.weft.Weft.sleep(java.time.Duration.ofMillis(10));
      assertThat(sim.openSockets()).as("the pending connect's socket").isEqualTo(before + 1);
      connecting.cancel();
      org.assertj.core.api.Assertions.assertThatThrownBy(connecting::await)
          .isInstanceOf(io.weft.CancelledError.class);
      assertThat(sim.openSockets()).isEqualTo(before);
      server.close();
    });
  }

  @org.junit.jupiter.api.Test
  void withLatency_pauseAndResumeWriting_stillComeOnceEach() {
    sim.setLatency(java.time.Duration.ofMillis(5));
    run(() -> {
      java.util.List<Recorder> accepted = new java.util.ArrayList<>();
      Server server = server(accepted, r -> r.pauseReadingAtStart = true, false);
      Net.Connection<Recorder> c = connect(server);
      Recorder peer = awaitAccepted(accepted, 1);
      int written = 0;
      for (int i = 0; c.protocol().pauses == 0; i++) {
        assertThat(i).isLessThan(100);
        c.transport().write(new byte[16 * 1024]);
        written += 16 * 1024;
      }
      peer.transport.resumeReading();
      c.protocol().awaitResume();
      peer.awaitBytes(written);
      assertThat(peer.received.size()).isEqualTo(written);
      assertThat(c.protocol().events).containsExactly("made", "pause", "resume");
    });
  }
}
