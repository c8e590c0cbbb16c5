package io.weft.net;

import static io.weft.net.DatagramContractTests.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.net.DatagramContractTests.Endpoint;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link DatagramConformanceContractTests} on the production loop's {@link io.weft.spi.NioNetwork}; open sockets
 * are this process's TCP and UDP descriptors, counted exactly ({@link SocketDescriptors}).
 *
 * <p>And broadcast datagrams ({@code SO_BROADCAST}), as far as the machine's network can show them. Linux loops a
 * broadcast back to the sender's own host, so one process can send and receive it; a test needs an interface that is up with an IPv4 broadcast address (skipped where there is none, as
 * in a network namespace with only loopback, whose {@code lo} has no broadcast address). The simulated network
 * stores {@code SO_BROADCAST} but does not model broadcast delivery (a datagram to a broadcast address reaches no
 * host), so these are NIO only.
 */
class NioDatagramConformanceTests extends DatagramConformanceContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openSockets() throws IOException {
    return SocketDescriptors.inet();
  }

  /** The IPv4 broadcast address of an interface that is up, or null if there is none. */
  static InetAddress subnetBroadcast() throws SocketException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InterfaceAddress a : nif.getInterfaceAddresses()) {
        if (a.getAddress() instanceof Inet4Address && a.getBroadcast() != null) {
          return a.getBroadcast();
        }
      }
    }
    return null;
  }

  private static InetAddress requireBroadcast() throws SocketException {
    InetAddress broadcast = subnetBroadcast();
    Assumptions.assumeTrue(broadcast != null, "no interface that is up has an IPv4 broadcast address");
    return broadcast;
  }

  @Test
  void withSoBroadcast_aDatagramToTheSubnetBroadcastAddress_reachesAReceiverOnTheWildcardAddress() throws Exception {
    InetAddress broadcast = requireBroadcast();
    run(() -> {
      Net.DatagramEndpoint<Endpoint> receiver = open(new InetSocketAddress("0.0.0.0", 0), null, false);
      int port = sockname(receiver.transport()).getPort();
      Net.DatagramEndpoint<Endpoint> sender = open(new InetSocketAddress("0.0.0.0", 0), null, true);
      Network.DatagramSocket socket = (Network.DatagramSocket) sender.transport().getExtraInfo("socket");
      assertThat(socket.getOption(StandardSocketOptions.SO_BROADCAST)).isTrue();

      sender.transport().sendTo(bytes("to all"), new InetSocketAddress(broadcast, port));
      await(() -> receiver.protocol().data.size() == 1, "the broadcast to " + broadcast);
      assertThat(receiver.protocol().data).containsExactly("to all");
      assertThat(((InetSocketAddress) receiver.protocol().senders.get(0)).getPort())
          .isEqualTo(sockname(sender.transport()).getPort());
      assertThat(sender.protocol().errors).isEmpty();
    });
  }

  @Test
  void withSoBroadcast_aDatagramTo255_255_255_255_reachesAReceiverOnTheWildcardAddress() throws Exception {
    requireBroadcast(); // a route for the limited broadcast needs an interface that can broadcast
    run(() -> {
      Net.DatagramEndpoint<Endpoint> receiver = open(new InetSocketAddress("0.0.0.0", 0), null, false);
      int port = sockname(receiver.transport()).getPort();
      Net.DatagramEndpoint<Endpoint> sender = Net.createDatagramEndpoint(Endpoint::new, null, 0,
          "255.255.255.255", port, true);
      try {
        sender.transport().sendTo(bytes("to everyone"), null);
        Assumptions.assumeTrue(sender.protocol().errors.isEmpty(),
            () -> "no route for the limited broadcast here: " + sender.protocol().errors);
        await(() -> receiver.protocol().data.size() == 1, "the limited broadcast");
        assertThat(receiver.protocol().data).containsExactly("to everyone");
      } finally {
        sender.transport().abort();
      }
    });
  }

  @Test
  void withoutSoBroadcast_aDatagramToTheBroadcastAddress_isRefused_toErrorReceived_andTheEndpointStaysOpen()
      throws Exception {
    InetAddress broadcast = requireBroadcast();
    run(() -> {
      Net.DatagramEndpoint<Endpoint> receiver = open(new InetSocketAddress("0.0.0.0", 0), null, false);
      int port = sockname(receiver.transport()).getPort();
      Net.DatagramEndpoint<Endpoint> sender = open(new InetSocketAddress("0.0.0.0", 0), null, false);
      Network.DatagramSocket socket = (Network.DatagramSocket) sender.transport().getExtraInfo("socket");
      assertThat(socket.getOption(StandardSocketOptions.SO_BROADCAST)).isFalse();

      sender.transport().sendTo(bytes("not allowed"), new InetSocketAddress(broadcast, port));
      assertThat(sender.protocol().errors).as("errorReceived, at once (EACCES from sendto)").hasSize(1);
      assertThat(sender.protocol().errors.get(0)).isInstanceOf(SocketException.class)
          .hasMessageContaining("Permission denied");
      assertThat(sender.transport().isClosing()).isFalse();
      Weft.sleep(Duration.ofMillis(20));
      assertThat(receiver.protocol().data).isEmpty();

      sender.transport().sendTo(bytes("unicast still works"), new InetSocketAddress("127.0.0.1", port));
      await(() -> receiver.protocol().data.size() == 1, "the unicast datagram");
      assertThat(receiver.protocol().data).containsExactly("unicast still works");
    });
  }
}
