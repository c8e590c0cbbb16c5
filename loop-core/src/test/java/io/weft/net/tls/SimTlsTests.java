package io.weft.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link TlsContractTests} on the simulated network, on virtual time: the handshake timeout is asyncio's full
 * 60 s, and passes at once. Every test ends with no simulated socket open.
 */
class SimTlsTests extends TlsContractTests {

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

  @Override
  protected boolean virtualTime() {
    return true;
  }

  @Override
  protected Duration shortHandshakeTimeout() {
    return Duration.ofSeconds(60);
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }
}
