package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.NetworkContractTests;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link io.weft.spi.Network} contract on the simulated network over IPv6 loopback ({@code ::1}). */
class SimNetworkIpv6Tests extends NetworkContractTests {

  private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), 0);

  SimNetwork sim;

  @Override
  protected EventLoop newLoop() {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).build();
  }

  @AfterEach
  void networkInvariantsHold() {
    sim.checkInvariants();
  }

  @Override
  protected SocketAddress listenAddress() {
    return LOOPBACK6;
  }

  @Override
  protected SocketAddress datagramAddress() {
    return LOOPBACK6;
  }

  @Override
  protected long openResources() {
    return sim.openSockets();
  }

  @Override
  protected AbortOutcome abortOutcome() {
    return AbortOutcome.RESET;
  }

  @Test
  void aClientOfIpv6Loopback_isOnIpv6LoopbackToo() {
    run(() -> {
      StreamSocket c = connectedPair()[0];
      assertThat(((InetSocketAddress) c.localAddress()).getAddress()).isEqualTo(InetAddress.ofLiteral("::1"));
    });
  }
}
