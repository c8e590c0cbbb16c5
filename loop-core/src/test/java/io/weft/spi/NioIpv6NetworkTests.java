package io.weft.spi;

import static org.assertj.core.api.Assumptions.assumeThatCode;

import io.weft.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link NioNetwork} on IPv6 loopback ({@code ::1}) against the {@link NetworkContractTests}; skipped where the
 * machine has no IPv6 loopback. Pins the same reset as on IPv4: "Connection reset".
 */
class NioIpv6NetworkTests extends NetworkContractTests {

  private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 0);

  @BeforeAll
  static void ipv6LoopbackExists() {
    assumeThatCode(() -> {
      try (ServerSocketChannel probe = ServerSocketChannel.open()) {
        probe.bind(LOOPBACK6);
      }
    }).as("binding ::1").doesNotThrowAnyException();
  }

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
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
  protected long openResources() throws IOException {
    return NioNetworkTests.openFileDescriptors();
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
    org.assertj.core.api.Assertions.assertThat(e).isInstanceOf(SocketException.class).hasMessage("Connection reset");
  }
}
