package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
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
}
