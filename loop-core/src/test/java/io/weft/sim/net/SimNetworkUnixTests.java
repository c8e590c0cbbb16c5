package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.NetworkContractTests;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link io.weft.spi.Network} contract on the simulated network's Unix-domain streams (it has no datagrams). */
class SimNetworkUnixTests extends NetworkContractTests {

  SimNetwork sim;
  private int paths;

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
    return UnixDomainSocketAddress.of("/run/sim-" + ++paths + ".sock");
  }

  @Override
  protected SocketAddress datagramAddress() {
    return null;
  }

  @Override
  protected long openResources() {
    return sim.openSockets();
  }

  @Override
  protected AbortOutcome abortOutcome() {
    return AbortOutcome.EOF;
  }

  @Test
  void aConnect_completesAtOnce_andTheClientIsUnnamed() {
    run(() -> {
      ListenSocket l = listen();
      StreamSocket c = track(network.connect(l.localAddress(), null));
      assertThat(c.finishConnect()).isTrue();
      assertThat(c.localAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
      StreamSocket s = accept(l);
      assertThat(s.remoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
      assertThat(s.localAddress()).isEqualTo(l.localAddress());
    });
  }

  @Test
  void aConnectWhereNothingListens_isRefusedAtOnce() {
    run(() -> assertThatThrownBy(() -> network.connect(UnixDomainSocketAddress.of("/nowhere.sock"), null))
        .isInstanceOf(ConnectException.class).hasMessageContaining("/nowhere.sock"));
    assertThat(sim.openSockets()).isZero();
  }

  @Test
  void anAbortWithUnreadData_resetsThePeer() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      writeAll(pair[0], "unread".getBytes());
      awaitReady(pair[1], io.weft.spi.Poller.READ);
      pair[1].abort();

      awaitReady(pair[0], io.weft.spi.Poller.READ);
      assertThatThrownBy(() -> pair[0].read(ByteBuffer.allocate(8))).hasMessageContaining("reset");
    });
  }

  @Test
  void tcpOptions_areNotThere() {
    run(() -> {
      StreamSocket s = connectedPair()[0];
      assertThatThrownBy(() -> s.getOption(StandardSocketOptions.TCP_NODELAY))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("TCP_NODELAY");
    });
  }

  @Test
  void unixDatagrams_areUnsupported_sayingSo() {
    assertThatThrownBy(() -> network.openDatagram(UnixDomainSocketAddress.of("/d.sock"), null, false))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("/d.sock");
  }
}
