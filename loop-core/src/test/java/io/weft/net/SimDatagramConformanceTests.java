package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link DatagramConformanceContractTests} on the simulated network, on a virtual loop; every test ends with no
 * socket open.
 */
class SimDatagramConformanceTests extends DatagramConformanceContractTests {

  SimNetwork sim;

  @Override
  protected EventLoop newLoop() {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).build();
  }

  @Override
  protected long openSockets() {
    return sim.openSockets();
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }
}
