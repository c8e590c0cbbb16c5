package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.NetworkContractTests;
import io.weft.spi.Poller;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link io.weft.spi.Network} contract on the simulated network, on a virtual loop; see the nested tests too. */
class SimNetworkTests extends NetworkContractTests {

  VirtualClock clock;
  SimNetwork sim;

  @Override
  protected EventLoop newLoop() {
    clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).build();
  }

  @org.junit.jupiter.api.AfterEach
  void networkInvariantsHold() {
    sim.checkInvariants();
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
  protected long openResources() {
    return sim.openSockets();
  }

  @Override
  protected AbortOutcome abortOutcome() {
    return AbortOutcome.RESET;
  }

  @Override
  protected String unresolvableHost() {
    return "no-such-host.invalid";
  }

  static final Duration LATENCY = Duration.ofMillis(10);

  /** Writes {@code chunk}-byte pieces until a write takes nothing; returns the total taken. */
  static long fillUntilFull(StreamSocket writer, int chunk) throws IOException {
    long total = 0;
    for (int i = 0; i < 100_000; i++) {
      int n = writer.write(ByteBuffer.allocate(chunk));
      if (n == 0) {
        return total;
      }
      total += n;
    }
    throw new AssertionError("the writer never filled up");
  }

  long now() {
    return clock.nanoTime();
  }

  @Test
  void connectOutsideAnyLoop_saysToCallItFromTheLoop_andOpensNothing() {
    assertThatThrownBy(() -> sim.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("loop");
    assertThat(sim.openSockets()).isZero();
  }

  @Test
  void nearClockOverflow_aByteStillArrivesAfterExactlyTheLatency() {
    VirtualClock nearEnd = new VirtualClock(Long.MAX_VALUE - LATENCY.toNanos() / 2, true);
    VirtualPoller poller = new VirtualPoller(nearEnd);
    SimNetwork net = new SimNetwork(poller);
    net.setLatency(LATENCY);
    try (EventLoop l = EventLoop.builder().clock(nearEnd).poller(poller).network(net).build()) {
      long[] arrival = new long[2];
      l.runUntilComplete(() -> {
        ListenSocket listener = net.listen(listenAddress(), 1, false, false);
        StreamSocket c = NetIo.connect(net, listener.localAddress());
        StreamSocket s = NetIo.accept(listener);
        arrival[0] = nearEnd.nanoTime();
        NetIo.writeAll(c, "x");
        assertThat(NetIo.readSome(s, 1)).isEqualTo("x");
        arrival[1] = nearEnd.nanoTime();
        c.close();
        s.close();
        listener.close();
        return null;
      });
      assertThat(arrival[1] - arrival[0]).isEqualTo(LATENCY.toNanos());
      assertThat(arrival[1]).as("the clock wrapped").isNegative();
    }
  }

  @Nested
  class Backpressure {

    @Test
    void aPeerThatNeverReads_stopsTheWriter_afterExactlyItsSendBufferPlusThePeersReceiveBuffer() {
      sim.setBufferSizes(4096, 8192);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        assertThat(fillUntilFull(pair[0], 1000)).isEqualTo(4096 + 8192);
        assertThat(awaitReadyOrNot(pair[0], Poller.WRITE)).as("writable while full").isFalse();
      });
    }

    @Test
    void withLatency_bytesInFlight_countAgainstTheWindow_soTheTotalIsTheSame() {
      sim.setBufferSizes(4096, 8192);
      sim.setLatency(LATENCY);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        assertThat(fillUntilFull(pair[0], 1000)).isEqualTo(4096 + 8192);
        awaitReady(pair[1], Poller.READ);
        assertThat(fillUntilFull(pair[0], 1000)).as("after arrival, still full").isZero();
      });
    }

    @Test
    void readingOpensTheWindow_byExactlyWhatWasRead() {
      sim.setBufferSizes(4096, 8192);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        fillUntilFull(pair[0], 1000);
        awaitReady(pair[1], Poller.READ);

        assertThat(pair[1].read(ByteBuffer.allocate(100))).isEqualTo(100);
        assertThat(awaitReady(pair[0], Poller.WRITE)).isEqualTo(Poller.WRITE);
        assertThat(pair[0].write(ByteBuffer.allocate(1000))).isEqualTo(100);
      });
    }

    @Test
    void soRcvBuf_ofTheReader_setsTheWindow() {
      sim.setBufferSizes(1000, 1000);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        pair[1].setOption(StandardSocketOptions.SO_RCVBUF, 3000);
        assertThat(fillUntilFull(pair[0], 500)).isEqualTo(1000 + 3000);
      });
    }
  }

  /** Waits up to a second of virtual time for readiness; returns whether it came. */
  boolean awaitReadyOrNot(StreamSocket s, int ops) throws IOException {
    io.weft.Future<Boolean> f = loop.createFuture();
    Poller.Registration reg = loop.poller().register(s.pollable(), ops, r -> {
      if (!f.isDone()) {
        f.setResult(true);
      }
    });
    io.weft.TimerHandle t = loop.callLater(Duration.ofSeconds(1), () -> {
      if (!f.isDone()) {
        f.setResult(false);
      }
    });
    try {
      return f.await();
    } finally {
      t.cancel();
      reg.cancel();
    }
  }

  @Nested
  class Latency {

    @Test
    void aConnect_takesOneRoundTrip_andTheListenerSeesItAfterOneWay() {
      sim.setLatency(LATENCY);
      run(() -> {
        ListenSocket l = listen();
        long t0 = now();
        StreamSocket c = track(network.connect(l.localAddress(), null));
        assertThat(c.finishConnect()).isFalse();
        awaitReady(l, Poller.ACCEPT);
        assertThat(now() - t0).isEqualTo(LATENCY.toNanos());
        awaitReady(c, Poller.CONNECT);
        assertThat(now() - t0).isEqualTo(2 * LATENCY.toNanos());
        assertThat(c.finishConnect()).isTrue();
      });
    }

    @Test
    void aByteSentAtT_arrivesAtTPlusTheLatency_onTheVirtualClock() {
      sim.setLatency(LATENCY);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        io.weft.Weft.sleep(Duration.ofMillis(3));
        long t = now();
        pair[0].write(ByteBuffer.wrap(new byte[] {42}));
        assertThat(pair[1].read(ByteBuffer.allocate(1))).as("nothing before the latency").isZero();

        awaitReady(pair[1], Poller.READ);
        assertThat(now()).isEqualTo(t + LATENCY.toNanos());
        assertThat(pair[1].read(ByteBuffer.allocate(1))).isOne();
      });
    }

    @Test
    void aLinkBetweenTwoHosts_hasItsOwnLatency_andOtherLinksKeepTheDefault() {
      SimHost a = sim.host(SimNetwork.FIRST_HOST);
      SimHost b = sim.addHost("b");
      sim.setLatency(a, b, Duration.ofMillis(30));
      assertThat(sim.latency(a, b)).isEqualTo(Duration.ofMillis(30));
      assertThat(sim.latency(b, a)).isEqualTo(Duration.ofMillis(30));
      assertThat(sim.latency(a, a)).isEqualTo(Duration.ZERO);
      run(() -> {
        ListenSocket l = track(b.listen(new InetSocketAddress(b.address(), 7000), 4, false, false));
        long t0 = now();
        StreamSocket c = track(NetIo.connect(a, l.localAddress()));
        assertThat(now() - t0).isEqualTo(Duration.ofMillis(60).toNanos());
        StreamSocket s = track(NetIo.accept(l));
        assertThat(s.remoteAddress()).isEqualTo(c.localAddress());
        assertThat(((InetSocketAddress) c.localAddress()).getAddress()).isEqualTo(a.address());
      });
    }

    @Test
    void aStreamNeverOvertakesItself_whenTheLatencyDrops() {
      sim.setLatency(Duration.ofMillis(50));
      run(() -> {
        StreamSocket[] pair = connectedPair();
        long t0 = now();
        NetIo.writeAll(pair[0], "a");
        sim.setLatency(Duration.ofMillis(1));
        NetIo.writeAll(pair[0], "b");
        pair[0].shutdownOutput();

        assertThat(NetIo.readToEof(pair[1])).isEqualTo("ab");
        assertThat(now() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
      });
    }
  }

  @Nested
  class Fin {

    @Test
    void theReaderSeesEof_onlyAfterTheDataBeforeIt_evenWhenItArrivesInPieces() {
      sim.setLatency(LATENCY);
      sim.setBufferSizes(8, 8);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        io.weft.Task<Void> writer = loop.createTask(() -> {
          NetIo.writeAll(pair[0], "0123456789abcdefghijklmnopqrstuvwxyz");
          pair[0].shutdownOutput();
          return null;
        });
        assertThat(NetIo.readToEof(pair[1])).isEqualTo("0123456789abcdefghijklmnopqrstuvwxyz");
        writer.await();
      });
    }

    @Test
    void aCloseAfterWrites_sendsTheDataThenEof_evenWhileTheSendBufferIsStillFull() {
      sim.setBufferSizes(4, 4);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        assertThat(pair[0].write(ByteBuffer.wrap("abcdefgh".getBytes()))).isEqualTo(8);
        pair[0].close();
        assertThat(NetIo.readToEof(pair[1])).isEqualTo("abcdefgh");
      });
    }
  }

  @Nested
  class Reset {

    @Test
    void anAbort_dropsWhatIsInFlight_andThePeersNextReadThrows() {
      sim.setLatency(LATENCY);
      run(() -> {
        StreamSocket[] pair = connectedPair();
        pair[0].write(ByteBuffer.wrap("never arrives".getBytes()));
        pair[0].abort();

        awaitReady(pair[1], Poller.READ);
        assertThatThrownBy(() -> pair[1].read(ByteBuffer.allocate(64)))
            .isInstanceOf(IOException.class).hasMessageContaining("reset");
      });
    }

    @Test
    void anAbort_dropsWhatThePeerReceivedButDidNotRead() {
      run(() -> {
        StreamSocket[] pair = connectedPair();
        NetIo.writeAll(pair[0], "unread");
        awaitReady(pair[1], Poller.READ);
        pair[0].abort();
        yieldToLoop();

        assertThatThrownBy(() -> pair[1].read(ByteBuffer.allocate(64))).hasMessageContaining("reset");
        assertThatThrownBy(() -> pair[1].write(ByteBuffer.allocate(1))).hasMessageContaining("reset");
      });
    }

    @Test
    void closingWithUnreadData_resetsThePeer_asLinuxDoes() {
      run(() -> {
        StreamSocket[] pair = connectedPair();
        NetIo.writeAll(pair[0], "ignored");
        awaitReady(pair[1], Poller.READ);
        pair[1].close();

        awaitReady(pair[0], Poller.READ);
        assertThatThrownBy(() -> pair[0].read(ByteBuffer.allocate(8))).hasMessageContaining("reset");
      });
    }
  }

  @Nested
  class Connecting {

    @Test
    void beyondTheBacklog_aConnectIsRefused_andTheQueuedOnesAreAccepted() {
      run(() -> {
        ListenSocket l = track(network.listen(listenAddress(), 2, false, false));
        StreamSocket first = connect(l.localAddress());
        StreamSocket second = connect(l.localAddress());
        assertThatThrownBy(() -> connect(l.localAddress())).isInstanceOf(ConnectException.class);

        assertThat(accept(l).remoteAddress()).isEqualTo(first.localAddress());
        assertThat(accept(l).remoteAddress()).isEqualTo(second.localAddress());
        assertThat(l.accept()).isNull();
        connect(l.localAddress()); // room again
      });
    }

    @Test
    void anAddressNoHostHas_isUnreachable() {
      run(() -> assertThatThrownBy(() -> connect(new InetSocketAddress(InetAddress.ofLiteral("10.9.9.9"), 80)))
          .isInstanceOf(NoRouteToHostException.class).hasMessageContaining("10.9.9.9"));
    }

    @Test
    void closingTheListener_resetsTheConnectionsNotYetAccepted() {
      run(() -> {
        ListenSocket l = listen();
        StreamSocket c = connect(l.localAddress());
        l.close();

        awaitReady(c, Poller.READ);
        assertThatThrownBy(() -> c.read(ByteBuffer.allocate(8))).hasMessageContaining("reset");
      });
    }

    @Test
    void aListenerOnOneHost_isNotReachedThroughAnotherHostsLoopback() {
      SimHost b = sim.addHost("b");
      run(() -> {
        ListenSocket l = track(b.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false, false));
        int port = ((InetSocketAddress) l.localAddress()).getPort();
        assertThatThrownBy(() -> connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
            .isInstanceOf(ConnectException.class);
        StreamSocket c = track(NetIo.connect(b, l.localAddress()));
        assertThat(c.isOpen()).isTrue();
      });
    }
  }

  @Nested
  class Ports {

    @Test
    void ephemeralPorts_areAllocatedInOrder_perHost_skippingPortsInUse() {
      SimHost b = sim.addHost("b");
      run(() -> {
        ListenSocket l = listen();
        List<Integer> ports = new ArrayList<>();
        ports.add(port(l.localAddress()));
        StreamSocket c1 = connect(l.localAddress());
        ports.add(port(c1.localAddress()));
        ports.add(port(connect(l.localAddress()).localAddress()));
        c1.close();
        ports.add(port(connect(l.localAddress()).localAddress()));
        ports.add(port(track(network.openDatagram(datagramAddress(), null, false)).localAddress()));
        ports.add(port(track(b.listen(new InetSocketAddress(b.address(), 0), 1, false, false)).localAddress()));

        assertThat(ports).containsExactly(32768, 32769, 32770, 32771, 32768, 32768);
      });
    }

    int port(SocketAddress a) {
      return ((InetSocketAddress) a).getPort();
    }

    @Test
    void aPortTakenOnOneHost_isFreeOnAnother() {
      SimHost b = sim.addHost("b");
      run(() -> {
        track(network.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), 1, false, false));
        ListenSocket other = track(b.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), 1, false,
            false));
        assertThat(other.isOpen()).isTrue();
      });
    }

    @Test
    void bindingAnAddressTheHostDoesNotHave_throwsBindException_namingIt() {
      run(() -> assertThatThrownBy(() -> network.listen(new InetSocketAddress(InetAddress.ofLiteral("10.7.7.7"), 0), 1,
          false, false)).isInstanceOf(java.net.BindException.class).hasMessageContaining("10.7.7.7"));
    }
  }

  @Nested
  class Names {

    @Test
    void hostNamesAndAliases_resolveToTheHostsAddress_ignoringCase() throws UnknownHostException {
      SimHost db = sim.addHost("db");
      sim.addName("primary.db.internal", db);

      assertThat(network.resolve("DB", 5432)).containsExactly(new InetSocketAddress(db.address(), 5432));
      assertThat(network.resolve("primary.db.internal", 1)).containsExactly(new InetSocketAddress(db.address(), 1));
      assertThat(network.resolve("localhost", 1))
          .containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
      assertThat(db.address().getHostAddress()).isEqualTo("10.0.0.2");
      assertThat(sim.hosts()).extracting(SimHost::name).containsExactly(SimNetwork.FIRST_HOST, "db");
    }

    @Test
    void aNameInUse_orAnUnknownHost_isRefusedNamingIt() {
      sim.addHost("db");
      assertThatThrownBy(() -> sim.addHost("DB")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DB");
      assertThatThrownBy(() -> sim.host("cache")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cache").hasMessageContaining("db");
    }
  }

  @Nested
  class Datagrams {

    @Test
    void aDatagram_arrivesAfterTheLatency() {
      sim.setLatency(LATENCY);
      run(() -> {
        DatagramSocket a = track(network.openDatagram(datagramAddress(), null, false));
        DatagramSocket b = track(network.openDatagram(datagramAddress(), null, false));
        long t0 = now();
        a.send(ByteBuffer.wrap("x".getBytes()), b.localAddress());
        awaitReady(b, Poller.READ);
        assertThat(now() - t0).isEqualTo(LATENCY.toNanos());
      });
    }

    @Test
    void anOversizeDatagram_failsNamingBothSizes_underAConfiguredLimit() {
      sim.setMaxDatagramSize(512);
      run(() -> {
        DatagramSocket a = track(network.openDatagram(datagramAddress(), null, false));
        assertThatThrownBy(() -> a.send(ByteBuffer.allocate(513), a.localAddress()))
            .isInstanceOf(IOException.class).hasMessageContaining("513").hasMessageContaining("512");
      });
    }

    @Test
    void toAPortNobodyHas_aConnectedSocket_getsPortUnreachable() {
      run(() -> {
        DatagramSocket c = track(network.openDatagram(null, new InetSocketAddress(InetAddress.getLoopbackAddress(),
            9), false));
        c.send(ByteBuffer.wrap("x".getBytes()), null);
        awaitReady(c, Poller.READ);
        assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(8))).isInstanceOf(PortUnreachableException.class);
        assertThat(c.receive(ByteBuffer.allocate(8))).as("reported once").isNull();
      });
    }

    @Test
    void aReceiverWhoseBufferIsFull_dropsWhatDoesNotFit() {
      run(() -> {
        DatagramSocket a = track(network.openDatagram(datagramAddress(), null, false));
        DatagramSocket b = track(network.openDatagram(datagramAddress(), null, false));
        b.setOption(StandardSocketOptions.SO_RCVBUF, 250);
        for (int i = 0; i < 3; i++) {
          a.send(ByteBuffer.allocate(100), b.localAddress());
        }
        yieldToLoop();
        assertThat(b.receive(ByteBuffer.allocate(200))).isNotNull();
        assertThat(b.receive(ByteBuffer.allocate(200))).isNotNull();
        assertThat(b.receive(ByteBuffer.allocate(200))).as("the third did not fit").isNull();
      });
    }
  }
}
