package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link NioNetwork} on IPv4 loopback against the {@link NetworkContractTests}, and how a loop gets its network.
 *
 * <p>Pinned on Linux: a peer's read after an abort (SO_LINGER 0, then close) throws {@link SocketException}
 * "Connection reset". Open resources are this process's file descriptors ({@code /proc/self/fd}), with a little
 * tolerance for descriptors the JVM opens and closes on its own.
 */
class NioNetworkTests extends NetworkContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected SocketAddress listenAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  protected SocketAddress datagramAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  protected long openResources() throws IOException {
    return openFileDescriptors();
  }

  @Override
  protected long openResourcesTolerance() {
    return 8;
  }

  @Override
  protected AbortOutcome abortOutcome() {
    return AbortOutcome.RESET;
  }

  @Override
  protected void assertIsReset(IOException e) {
    assertThat(e).isInstanceOf(SocketException.class).hasMessage("Connection reset");
  }

  /** Counts this process's open file descriptors. */
  static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void aProductionLoop_getsANioNetworkByDefault() {
    assertThat(network).isInstanceOf(NioNetwork.class);
  }

  @Test
  void aLoopBuiltWithANetwork_hasThatNetwork() {
    NioNetwork mine = new NioNetwork();
    try (EventLoop other = EventLoop.builder().network(mine).debug(false).build()) {
      assertThat(other.network()).isSameAs(mine);
    }
  }

  @Test
  void aVirtualLoopWithoutANetwork_hasNone_andSaysSo() {
    try (EventLoop virtual = EventLoop.createVirtual()) {
      assertThatThrownBy(virtual::network)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no network")
          .hasMessageContaining("VirtualPoller");
    }
  }

  @Test
  void aLocalAndRemoteOfDifferentFamilies_throwIllegalArgument_namingBoth() {
    SocketAddress v4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    SocketAddress unix = java.net.UnixDomainSocketAddress.of("/tmp/nowhere.sock");

    assertThatThrownBy(() -> network.connect(unix, v4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nowhere.sock")
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void unixDomainDatagrams_areUnsupported_namingTheAddress() {
    SocketAddress unix = java.net.UnixDomainSocketAddress.of("/tmp/nowhere.sock");

    assertThatThrownBy(() -> network.openDatagram(unix, null, false))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("nowhere.sock");
  }

  @Test
  void anAddressOfAnotherKind_throwsIllegalArgument_namingIt() {
    SocketAddress odd = new SocketAddress() {
      @Override
      public String toString() {
        return "odd-address";
      }
    };

    assertThatThrownBy(() -> network.connect(odd, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd-address");
  }

  @Test
  void wrap_aConnectedBlockingChannel_makesItANonBlockingStreamSocket() {
    run(() -> {
      Network.ListenSocket listener = listen();
      SocketChannel channel = SocketChannel.open(listener.localAddress()); // blocking connect, made elsewhere
      Network.StreamSocket client = track(((NioNetwork) network).wrap(channel));
      Network.StreamSocket server = accept(listener);

      assertThat(channel.isBlocking()).isFalse();
      assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
      assertThat(client.read(ByteBuffer.allocate(4))).as("a non-blocking read with nothing there").isZero();
      writeAll(server, bytes("hi"));
      assertThat(string(readUpTo(client, 2))).isEqualTo("hi");
      client.close();
      assertThat(channel.isOpen()).as("the wrapped channel, once its socket closed").isFalse();
    });
  }

  @Test
  void wrap_aBoundServerChannel_acceptsThroughTheLoop_andAnUnboundOne_isRefused() throws IOException {
    try (ServerSocketChannel unbound = ServerSocketChannel.open()) {
      assertThatThrownBy(() -> ((NioNetwork) network).wrap(unbound))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bound");
    }
    run(() -> {
      ServerSocketChannel bound = ServerSocketChannel.open().bind(listenAddress());
      Network.ListenSocket listener = track(((NioNetwork) network).wrap(bound));
      connect(listener.localAddress());
      assertThat(accept(listener).isOpen()).isTrue();
    });
  }

  @Test
  void wrap_aDatagramChannel_sendsAndReceives() {
    run(() -> {
      Network.DatagramSocket a = track(((NioNetwork) network).wrap(DatagramChannel.open().bind(datagramAddress())));
      Network.DatagramSocket b = track(network.openDatagram(datagramAddress(), null, false));

      assertThat(a.maxDatagramSize()).isEqualTo(65_507);
      assertThat(a.send(ByteBuffer.wrap(bytes("x")), b.localAddress())).isEqualTo(1);
      awaitReady(b, Poller.READ);
      assertThat(b.receive(ByteBuffer.allocate(8))).isEqualTo(a.localAddress());
    });
  }

  @Test
  void closingWithReceivedDataUnread_resetsThePeer_onLinux() {
    run(() -> {
      Network.StreamSocket[] pair = connectedPair();
      writeAll(pair[1], bytes("never read"));
      awaitReady(pair[0], Poller.READ);
      pair[0].close();

      awaitReady(pair[1], Poller.READ);
      assertThatThrownBy(() -> pair[1].read(ByteBuffer.allocate(16)))
          .isInstanceOf(SocketException.class)
          .hasMessage("Connection reset");
    });
  }

  @Test
  void anIpv6WildcardListener_alsoTakesIpv4_soAnIpv4ListenerOnItsPort_failsToBind() {
    run(() -> {
      Network.ListenSocket any;
      try {
        any = track(network.listen(new InetSocketAddress("::", 0), 4, false, false));
      } catch (IOException | UnsupportedOperationException e) {
        org.junit.jupiter.api.Assumptions.abort("no IPv6 here: " + e);
        return;
      }
      int port = ((InetSocketAddress) any.localAddress()).getPort();

      Network.StreamSocket v4 = connect(new InetSocketAddress("127.0.0.1", port));
      assertThat(accept(any).remoteAddress()).isEqualTo(v4.localAddress());
      assertThatThrownBy(() -> track(network.listen(new InetSocketAddress("0.0.0.0", port), 4, false, false)))
          .isInstanceOf(java.net.BindException.class);
    });
  }

  @Test
  void connectedDatagram_toAPortNobodyHolds_getsPortUnreachableOnAReceive_andStaysOpen() {
    run(() -> {
      SocketAddress nobody;
      try (Network.DatagramSocket probe = network.openDatagram(datagramAddress(), null, false)) {
        nobody = probe.localAddress();
      }
      Network.DatagramSocket client = track(network.openDatagram(null, nobody, false));

      assertThat(client.send(ByteBuffer.wrap(bytes("anyone?")), null)).isEqualTo(7);
      awaitReady(client, Poller.READ);

      assertThatThrownBy(() -> client.receive(ByteBuffer.allocate(16)))
          .isInstanceOf(java.net.PortUnreachableException.class);
      assertThat(client.isOpen()).isTrue();
      assertThat(client.receive(ByteBuffer.allocate(16))).as("after the error was reported").isNull();
    });
  }
}
