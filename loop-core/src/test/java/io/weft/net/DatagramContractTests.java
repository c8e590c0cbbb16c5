package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Weft;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DatagramTransport} and {@link Net#createDatagramEndpoint} against every network, through a real loop: the
 * same behaviour on NIO loopback and on the simulated network.
 *
 * <p>Subclasses make the loop and count what the network holds open; every test runs as a task, closes what it
 * opened, and ends with no more open than it started with.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class DatagramContractTests {

  /** How many 1 ms sleeps, on the loop's clock, any one wait may take before the test fails. */
  private static final int MAX_WAIT_STEPS = 5_000;

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  private final List<DatagramTransport> opened = new ArrayList<>();

  /** Creates a fresh loop whose network is the one under test. */
  protected abstract EventLoop newLoop();

  /** Counts what the network holds open (descriptors, or simulated sockets). */
  protected abstract long openResources() throws IOException;

  /** How far {@link #openResources()} may drift for reasons outside the network. */
  protected long openResourcesTolerance() {
    return 0;
  }

  /** The host to bind and send to. */
  protected String host() {
    return "127.0.0.1";
  }

  @BeforeEach
  void openLoop() {
    loop = newLoop();
    loop.setExceptionHandler((l, context) -> handled.add(context));
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
      long before = settledOpenResources();
      try {
        body.run();
      } finally {
        opened.forEach(DatagramTransport::abort);
      }
      assertThat(settledOpenResources()).as("open sockets after the test")
          .isBetween(before - openResourcesTolerance(), before + openResourcesTolerance());
      assertThat(handled).as("errors reported to the loop").isEmpty();
      return null;
    });
  }

  private long settledOpenResources() throws IOException {
    for (int i = 0; i < 5; i++) {
      Weft.sleep(Duration.ZERO);
    }
    return openResources();
  }

  /** Waits, in a task, until {@code done} holds. */
  protected static void await(BooleanSupplier done, String what) {
    for (int i = 0; !done.getAsBoolean(); i++) {
      assertThat(i).as("1 ms steps waiting for " + what).isLessThan(MAX_WAIT_STEPS);
      Weft.sleep(Duration.ofMillis(1));
    }
  }

  /** A protocol that records every callback and, if asked, echoes each datagram to its sender. */
  protected static final class Endpoint implements DatagramProtocol {
    final List<String> events = new ArrayList<>();
    final List<String> data = new ArrayList<>();
    final List<SocketAddress> senders = new ArrayList<>();
    final List<Exception> errors = new ArrayList<>();
    final List<Throwable> lost = new ArrayList<>();
    boolean echo;
    int pauses;
    DatagramTransport transport;

    @Override
    public void connectionMade(DatagramTransport transport) {
      events.add("made");
      this.transport = transport;
    }

    @Override
    public void datagramReceived(byte[] bytes, SocketAddress addr) {
      events.add("datagram");
      data.add(new String(bytes, StandardCharsets.UTF_8));
      senders.add(addr);
      if (echo) {
        transport.sendTo(bytes, transport.getExtraInfo("peername") != null ? null : addr);
      }
    }

    @Override
    public void errorReceived(Exception error) {
      events.add("error");
      errors.add(error);
    }

    @Override
    public void connectionLost(Throwable cause) {
      events.add("lost");
      lost.add(cause);
    }

    @Override
    public void pauseWriting() {
      events.add("pause");
      pauses++;
    }

    @Override
    public void resumeWriting() {
      events.add("resume");
    }
  }

  /** Opens an endpoint; the test's end aborts it if it is still open. */
  protected Net.DatagramEndpoint<Endpoint> open(SocketAddress local, SocketAddress remote) throws IOException {
    Net.DatagramEndpoint<Endpoint> e = Net.createDatagramEndpoint(Endpoint::new, local, remote, false);
    opened.add(e.transport());
    return e;
  }

  protected InetSocketAddress anyPort() {
    return new InetSocketAddress(host(), 0);
  }

  protected static InetSocketAddress sockname(DatagramTransport t) {
    return (InetSocketAddress) t.getExtraInfo("sockname");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void roundTrip_deliversEachDatagramWithItsSendersAddress() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(anyPort(), null);
      server.protocol().echo = true;
      InetSocketAddress serverAddress = sockname(server.transport());
      assertThat(serverAddress.getPort()).isPositive();
      Net.DatagramEndpoint<Endpoint> client = open(null, serverAddress);
      assertThat(client.protocol().events).as("connectionMade ran before the endpoint was returned")
          .containsExactly("made");
      assertThat(client.protocol().transport).isSameAs(client.transport());

      client.transport().sendTo(bytes("ping"), null);
      await(() -> client.protocol().data.size() == 1, "the echo");

      assertThat(server.protocol().data).containsExactly("ping");
      InetSocketAddress clientAddress = (InetSocketAddress) server.protocol().senders.get(0);
      assertThat(clientAddress.getPort())
          .isEqualTo(((InetSocketAddress) ((Network.DatagramSocket) client.transport().getExtraInfo("socket"))
              .localAddress()).getPort());
      assertThat(client.protocol().data).containsExactly("ping");
      assertThat(client.protocol().senders).containsExactly(serverAddress);
      assertThat(server.transport().getExtraInfo("peername")).isNull();
      assertThat(client.transport().getExtraInfo("peername")).isEqualTo(serverAddress);
      assertThat(server.transport().getExtraInfo("socket")).isInstanceOf(Network.DatagramSocket.class);
      assertThat(client.transport().getExtraInfo("nothing", "fallback")).isEqualTo("fallback");
      assertThat(client.transport().getWriteBufferSize()).isZero();

      client.transport().close();
      server.transport().close();
    });
  }

  @Test
  void unconnectedEndpoint_sendsToEachAddressGiven_andNeedsOne() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> a = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> b = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> c = open(anyPort(), null);
      a.transport().sendTo(bytes("to b"), sockname(b.transport()));
      a.transport().sendTo(java.nio.ByteBuffer.wrap(bytes("to c")), sockname(c.transport()));
      await(() -> b.protocol().data.size() == 1 && c.protocol().data.size() == 1, "both datagrams");
      assertThat(b.protocol().data).containsExactly("to b");
      assertThat(c.protocol().data).containsExactly("to c");
      assertThat(b.protocol().senders).containsExactly(sockname(a.transport()));
      assertThatThrownBy(() -> a.transport().sendTo(bytes("x"), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not connected");
    });
  }

  @Test
  void connectedEndpoint_sendsToItsPeer_andRejectsAnotherAddress_namingBoth() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> other = open(anyPort(), null);
      InetSocketAddress peer = sockname(server.transport());
      InetSocketAddress elsewhere = sockname(other.transport());
      Net.DatagramEndpoint<Endpoint> client = open(null, peer);

      assertThatThrownBy(() -> client.transport().sendTo(bytes("stray"), elsewhere))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(peer.toString()).hasMessageContaining(elsewhere.toString());
      client.transport().sendTo(bytes("one"), null);
      client.transport().sendTo(bytes("two"), peer);
      await(() -> server.protocol().data.size() == 2, "both datagrams");
      assertThat(server.protocol().data).containsExactly("one", "two");
      Weft.sleep(Duration.ofMillis(20));
      assertThat(other.protocol().data).as("nothing went elsewhere").isEmpty();

      // a connected endpoint hears its peer only
      other.transport().sendTo(bytes("not the peer"), sockname(client.transport()));
      server.transport().sendTo(bytes("from the peer"), server.protocol().senders.get(0));
      await(() -> client.protocol().data.size() == 1, "the peer's datagram");
      Weft.sleep(Duration.ofMillis(20));
      assertThat(client.protocol().data).containsExactly("from the peer");
    });
  }

  @Test
  void anOversizeDatagram_isRejectedNamingSizeAndLimit_andNothingIsSent_andTheEndpointGoesOn() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> server = open(anyPort(), null);
      Net.DatagramEndpoint<Endpoint> client = open(null, sockname(server.transport()));
      int max = ((Network.DatagramSocket) client.transport().getExtraInfo("socket")).maxDatagramSize();

      assertThatThrownBy(() -> client.transport().sendTo(new byte[max + 1], null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(String.valueOf(max + 1)).hasMessageContaining(String.valueOf(max));
      assertThat(client.transport().getWriteBufferSize()).isZero();
      assertThat(client.transport().isClosing()).isFalse();

      client.transport().sendTo(bytes("after"), null);
      await(() -> server.protocol().data.size() == 1, "the next datagram");
      assertThat(server.protocol().data).as("the oversize datagram never arrived").containsExactly("after");
      assertThat(client.protocol().events).containsExactly("made");
    });
  }

  @Test
  void close_callsConnectionLostWithNullOnce_andLaterSendsAreDropped() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> e = open(anyPort(), null);
      DatagramTransport t = e.transport();
      SocketAddress self = sockname(t);
      t.close();
      assertThat(t.isClosing()).isTrue();
      t.close();
      t.abort();
      await(() -> !e.protocol().lost.isEmpty(), "connectionLost");
      Weft.sleep(Duration.ofMillis(5));
      assertThat(e.protocol().lost).containsExactly((Throwable) null);
      assertThat(e.protocol().events).containsExactly("made", "lost");
      assertThat(((Network.DatagramSocket) t.getExtraInfo("socket")).isOpen()).isFalse();
      t.sendTo(bytes("dropped"), self);
      assertThat(e.protocol().events).containsExactly("made", "lost");
    });
  }

  @Test
  void abort_callsConnectionLostWithNullOnce() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> e = open(anyPort(), null);
      e.transport().abort();
      e.transport().abort();
      e.transport().close();
      await(() -> !e.protocol().lost.isEmpty(), "connectionLost");
      Weft.sleep(Duration.ofMillis(5));
      assertThat(e.protocol().events).containsExactly("made", "lost");
    });
  }

  @Test
  void sendingToAClosedPort_onAConnectedEndpoint_reachesErrorReceived_andTheEndpointStaysOpen() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> gone = open(anyPort(), null);
      InetSocketAddress closedPort = sockname(gone.transport());
      gone.transport().close();
      await(() -> !gone.protocol().lost.isEmpty(), "the port to close");

      Net.DatagramEndpoint<Endpoint> client = open(null, closedPort);
      for (int i = 0; client.protocol().errors.isEmpty(); i++) {
        assertThat(i).as("sends before the port-unreachable came back").isLessThan(MAX_WAIT_STEPS / 10);
        client.transport().sendTo(bytes("anyone?"), null);
        Weft.sleep(Duration.ofMillis(10));
      }
      assertThat(client.protocol().errors.get(0)).isInstanceOf(PortUnreachableException.class);
      assertThat(client.transport().isClosing()).isFalse();
      assertThat(client.protocol().lost).isEmpty();
    });
  }

  @Test
  void hostAndPortArguments_areCheckedBeforeAnythingOpens() {
    run(() -> {
      long before = openResources();
      assertThatThrownBy(() -> Net.createDatagramEndpoint(Endpoint::new, host(), 70000, null, 0, false))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
      assertThatThrownBy(() -> Net.createDatagramEndpoint(Endpoint::new, host(), 0, host(), -1, false))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
      assertThatThrownBy(() -> Net.createDatagramEndpoint(Endpoint::new, null, 0, null, 0, false))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither");
      assertThat(openResources()).isEqualTo(before);

      Net.DatagramEndpoint<Endpoint> server = Net.createDatagramEndpoint(Endpoint::new, host(), 0, null, 0, false);
      opened.add(server.transport());
      Net.DatagramEndpoint<Endpoint> client =
          Net.createDatagramEndpoint(Endpoint::new, null, 0, host(), sockname(server.transport()).getPort(), false);
      opened.add(client.transport());
      client.transport().sendTo(bytes("by name"), null);
      await(() -> server.protocol().data.size() == 1, "the datagram");
      assertThat(server.protocol().data).containsExactly("by name");
    });
  }

  @Test
  void aBindToAnAddressInUse_failsAndLeavesNothingOpen() {
    run(() -> {
      Net.DatagramEndpoint<Endpoint> first = open(anyPort(), null);
      long before = openResources();
      assertThatThrownBy(() -> open(sockname(first.transport()), null)).isInstanceOf(java.net.BindException.class);
      assertThat(openResources()).isEqualTo(before);
    });
  }
}
