package io.weft.net;

import io.weft.EventLoop;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;

/** The {@link NetDebugContractTests} on the simulated network, on a virtual loop. */
class SimNetDebugTests extends NetDebugContractTests {

  private SimNetwork sim;

  @Override
  protected EventLoop newLoop(boolean debug) {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).debug(debug).build();
  }

  /** A link delay: what the writer sends takes a while to reach the reader, whose pauses do the rest. */
  @Override
  protected void slowDown(Transport writer, Transport reader) {
    sim.setLatency(Duration.ofMillis(2));
  }
}
