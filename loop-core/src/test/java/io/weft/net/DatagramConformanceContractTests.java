package io.weft.net;

import static io.weft.net.DatagramContractTests.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Weft;
import io.weft.net.DatagramContractTests.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Datagram endpoints beyond the {@link DatagramContractTests}, on every network: IPv6 loopback ({@code ::1}), a
 * local and a remote address of different families, bad input to {@code sendTo}, and CPython's
 * {@code SelectorDatagramTransportTests} that a network can show ({@code test_sendto_no_data}, ...). Sockets are
 * counted exactly.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class DatagramConformanceContractTests {

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  protected final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final List<DatagramTransport> opened = new ArrayList<>();

  /** Creates a fresh loop whose network is the one under test. */
  protected abstract EventLoop newLoop();

  /** Counts the sockets the network holds open, exactly. */
  protected abstract long openSockets() throws IOException;

  @BeforeEach
  void openLoop() {
    loop = newLoop();
    loop.setExceptionHandler((l, context) -> handled.add(context));
    loop.setWarningHandler(warnings::add);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** A test body that runs as a task and may await. */
  @FunctionalInterface
  protected interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} as a task, aborts what it left open, and checks that no socket is left open. */
  protected void run(Body body) {
    loop.runUntilComplete(() -> {
      long before = settledOpenSockets();
      try {
        body.run();
      } finally {
        opened.forEach(DatagramTransport::abort);
      }
      assertThat(settledOpenSockets()).as("open sockets after the test").isEqualTo(before);
      assertThat(handled).as("errors reported to the loop").isEmpty();
      return null;
    });
  }

  private long settledOpenSockets() throws IOException {
    for (int i = 0; i < 5; i++) {
      Weft.sleep(Duration.ZERO);
    }
    return openSockets();
  }

  /** Opens an endpoint; the test's end aborts it if it is still open. */
  protected Net.DatagramEndpoint<Endpoint> open(SocketAddress local, SocketAddress remote, boolean broadcast)
      throws IOException {
    Net.DatagramEndpoint<Endpoint> e = Net.createDatagramEndpoint(Endpoint::new, local, remote, broadcast);
    opened.add(e.transport());
    return e;
  }

  protected static InetSocketAddress sockname(DatagramTransport t) {
    return (InetSocketAddress) t.getExtraInfo("sockname");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final InetAddress LOOPBACK6 = InetAddress.ofLiteral("::1");

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void ipv6Loopback_unconnectedAndConnectedEndpoints_roundTrip_withIpv6SenderAddresses() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(new InetSocketAddress(LOOPBACK6, 0), null, false);
      server.protocol().echo = true;
      InetSocketAddress serverAddress = sockname(server.transport());
      assertThat(serverAddress.getAddress()).isEqualTo(LOOPBACK6);
      assertThat(serverAddress.getPort()).isPositive();

      Net.DatagramEndpoint<Endpoint> client = open(null, serverAddress, false);
      client.transport().sendTo(bytes("over v6"), null);
      await(() -> client.protocol().data.size() == 1, "the echo over ::1");
      assertThat(server.protocol().data).containsExactly("over v6");
      InetSocketAddress from = (InetSocketAddress) server.protocol().senders.get(0);
      assertThat(from.getAddress()).as("the sender's address, as the server sees it").isEqualTo(LOOPBACK6);
      assertThat(from.getPort()).isEqualTo(sockname(client.transport()).getPort());
      assertThat(client.protocol().senders).containsExactly(serverAddress);
      assertThat(client.transport().getExtraInfo("peername")).isEqualTo(serverAddress);

      Net.DatagramEndpoint<Endpoint> byName = Net.createDatagramEndpoint(Endpoint::new, "::1", 0, null, 0, false);
      opened.add(byName.transport());
      byName.transport().sendTo(bytes("by literal"), serverAddress);
      await(() -> server.protocol().data.size() == 2, "the datagram from the endpoint made by name");
      assertThat(server.protocol().data).containsExactly("over v6", "by literal");
    });
  }

  @Test
  void aLocalAndARemoteAddressOfDifferentFamilies_failNamingBoth_andOpenNothing() {
    run(() -> {
      long before = openSockets();
      InetSocketAddress local6 = new InetSocketAddress(LOOPBACK6, 0);
      InetSocketAddress remote4 = new InetSocketAddress("127.0.0.1", 9);
      assertThatThrownBy(() -> open(local6, remote4, false)).isInstanceOf(IOException.class)
          .hasMessageContaining("family").hasMessageContaining(local6.toString())
          .hasMessageContaining(remote4.toString());
      assertThat(openSockets()).isEqualTo(before);
    });
  }

  @Test
  void sendToNull_isANullPointerException_andNothingIsSent() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(new InetSocketAddress("127.0.0.1", 0), null, false);
      Net.DatagramEndpoint<Endpoint> client = open(null, sockname(server.transport()), false);
      assertThatThrownBy(() -> client.transport().sendTo((byte[]) null, null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("data");
      assertThatThrownBy(() -> client.transport().sendTo((java.nio.ByteBuffer) null, null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("data");
      client.transport().sendTo(bytes("after"), null);
      await(() -> server.protocol().data.size() == 1, "the next datagram");
      assertThat(server.protocol().data).containsExactly("after");
      assertThat(client.transport().isClosing()).isFalse();
    });
  }

  @Test
  void anEmptyDatagram_fromAnUnconnectedEndpoint_isSent_andArrivesEmpty() { // test_sendto_no_data
    // (unconnected only: NIO's connected DatagramChannel silently sends nothing for an empty buffer, a JDK limit)
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(new InetSocketAddress("127.0.0.1", 0), null, false);
      Net.DatagramEndpoint<Endpoint> client = open(new InetSocketAddress("127.0.0.1", 0), null, false);
      client.transport().sendTo(new byte[0], sockname(server.transport()));
      client.transport().sendTo(bytes("then one"), sockname(server.transport()));
      await(() -> server.protocol().data.size() == 2, "both datagrams");
      assertThat(server.protocol().data).containsExactly("", "then one");
      assertThat(client.transport().getWriteBufferSize()).isZero();
    });
  }

  @Test
  void sendsAfterClose_areDropped_andTheFifthWarnsOnce() { // test_sendto_closing, with asyncio's warning threshold
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(new InetSocketAddress("127.0.0.1", 0), null, false);
      Net.DatagramEndpoint<Endpoint> client = open(null, sockname(server.transport()), false);
      client.transport().close();
      await(() -> !client.protocol().lost.isEmpty(), "connectionLost");
      for (int i = 0; i < 4; i++) {
        client.transport().sendTo(bytes("dropped"), null);
      }
      assertThat(warnings).isEmpty();
      client.transport().sendTo(bytes("dropped"), null);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("socket.send() raised exception.");
      for (int i = 0; i < 5; i++) {
        client.transport().sendTo(bytes("dropped"), null);
      }
      assertThat(warnings).hasSize(1);
      Weft.sleep(Duration.ofMillis(20));
      assertThat(server.protocol().data).isEmpty();
    });
  }
}
