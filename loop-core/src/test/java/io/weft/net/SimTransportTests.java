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
class SimTransportTests extends TransportContractTests {

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
}
