package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.Weft;
import io.weft.spi.Network;
import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Sockets} (asyncio's {@code sock_*} operations) and the Unix-domain helpers of {@link Streams} against every
 * network, through a real loop: the same behaviour on NIO and on the simulated network. Ported from CPython's
 * {@code test_sock_lowlevel.py} where it applies (racing receives and sends, cancellation, a connect to a closed
 * port, a large send to a slow reader, datagrams).
 *
 * <p>Every test runs as a task and closes what it opened; the subclasses check that nothing is left open.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SocketsContractTests {

  /** How long, on the loop's clock, any one wait may take before the test fails. */
  protected static final Duration WAIT = Duration.ofSeconds(5);

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  private final List<Network.NetSocket> opened = new ArrayList<>();

  /** Creates a fresh loop whose network is the one under test. */
  protected abstract EventLoop newLoop();

  /** Counts what the network holds open (descriptors, or simulated sockets). */
  protected abstract long openResources() throws IOException;

  /** How far {@link #openResources()} may drift for reasons outside the network. */
  protected long openResourcesTolerance() {
    return 0;
  }

  /** The host to listen on and connect to. */
  protected String host() {
    return "127.0.0.1";
  }

  /** A fresh Unix-domain path nothing listens on, or null if this network has no Unix-domain streams. */
  protected abstract Path unixPath() throws IOException;

  @BeforeEach
  void openLoop() {
    loop = newLoop();
    loop.setExceptionHandler((l, context) -> handled.add(context));
  }

  @AfterEach
  void closeLoop() {
    loop.close();
    assertThat(handled).as("errors reported to the loop's exception handler").isEmpty();
  }

  /** A test body that runs as a task and may await. */
  @FunctionalInterface
  protected interface Body {
    void run() throws Exception;
  }

  protected void run(Body body) {
    loop.runUntilComplete(() -> {
      try {
        body.run();
      } finally {
        opened.forEach(Network.NetSocket::close);
        for (int i = 0; i < 3; i++) {
          Weft.sleep(Duration.ZERO);
        }
      }
      return null;
    });
  }

  /** Remembers {@code socket} so that the test's end closes it. */
  protected <S extends Network.NetSocket> S open(S socket) {
    opened.add(socket);
    return socket;
  }

  protected ListenSocket listen() throws IOException {
    return open(loop.network().listen(new InetSocketAddress(host(), 0), 8, true, false));
  }

  /** A connected pair: [0] the client (connected by {@link Sockets#connect}), [1] the accepted side. */
  protected StreamSocket[] pair() throws IOException {
    ListenSocket listener = listen();
    Task<StreamSocket> accepting = Weft.createTask(() -> Sockets.accept(listener));
    StreamSocket client = open(Sockets.connect(listener.localAddress()));
    StreamSocket server = open(Weft.waitFor(accepting, WAIT));
    return new StreamSocket[] {client, server};
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Receives until {@code n} bytes came or the stream ended. */
  protected static byte[] recvAll(StreamSocket socket, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < n) {
      byte[] got = Sockets.recv(socket, Math.min(n - out.size(), 256 * 1024));
      if (got.length == 0) {
        break;
      }
      out.writeBytes(got);
    }
    return out.toByteArray();
  }

  /** Cancels {@code task} from a callback {@code hops} callbacks from now. */
  protected void cancelAfter(int hops, Task<?> task) {
    if (hops == 0) {
      task.cancel();
    } else {
      loop.callSoon(() -> cancelAfter(hops - 1, task));
    }
  }

  /** Lets closes settle (a selector forgets a closed channel at its next poll), then counts open resources. */
  protected long settledOpenResources() throws IOException {
    for (int i = 0; i < 3; i++) {
      Weft.sleep(Duration.ZERO);
    }
    return openResources();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class StreamOps {

    @Test
    void connectAcceptSendAllRecv_roundTrip_bothWays() {
      run(() -> {
        StreamSocket[] p = pair();
        assertThat(p[1].remoteAddress()).isEqualTo(p[0].localAddress());
        Sockets.sendAll(p[0], bytes("GET / HTTP/1.0\r\n\r\n"));
        assertThat(text(recvAll(p[1], 18))).isEqualTo("GET / HTTP/1.0\r\n\r\n");
        Sockets.sendAll(p[1], ByteBuffer.wrap(bytes("HTTP/1.0 200 OK")));
        assertThat(text(recvAll(p[0], 15))).isEqualTo("HTTP/1.0 200 OK");
      });
    }

    @Test
    void recv_waitsUntilDataArrives() {
      run(() -> {
        StreamSocket[] p = pair();
        Task<byte[]> receiving = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ofMillis(5));
        assertThat(receiving.isDone()).as("a recv with nothing to read").isFalse();
        Sockets.sendAll(p[0], bytes("late"));
        assertThat(text(Weft.waitFor(receiving, WAIT))).isEqualTo("late");
      });
    }

    @Test
    void recvInto_movesThePosition_andReturnsZeroAtEof_asRecvReturnsEmpty() {
      run(() -> {
        StreamSocket[] p = pair();
        Sockets.sendAll(p[0], bytes("abcdef"));
        p[0].shutdownOutput();
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.position(2);
        int total = 0;
        for (int n; (n = Sockets.recvInto(p[1], buffer)) > 0; ) {
          total += n;
        }
        assertThat(total).isEqualTo(6);
        assertThat(buffer.position()).isEqualTo(8);
        assertThat(text(java.util.Arrays.copyOfRange(buffer.array(), 2, 8))).isEqualTo("abcdef");
        assertThat(Sockets.recv(p[1], 10)).as("recv at EOF").isEmpty();
        assertThat(Sockets.recvInto(p[1], ByteBuffer.allocate(0))).as("no room").isZero();
        assertThat(Sockets.recv(p[0], 0)).as("n = 0").isEmpty();
      });
    }

    @Test
    void aCancelledRecv_consumesNothing_andTheNextRecvGetsTheData() {
      run(() -> {
        StreamSocket[] p = pair();
        Task<byte[]> receiving = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        receiving.cancel();
        Sockets.sendAll(p[0], bytes("hello"));
        assertThatThrownBy(receiving::await).isInstanceOf(CancelledError.class);
        assertThat(text(Weft.waitFor(Weft.createTask(() -> Sockets.recv(p[1], 1024)), WAIT))).isEqualTo("hello");
      });
    }

    @Test
    void aRecvCancelledAfterTheDataArrived_stillConsumesNothing() {
      run(() -> {
        StreamSocket[] p = pair();
        Task<byte[]> receiving = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        Sockets.sendAll(p[0], bytes("kept"));
        receiving.cancel(); // in the same step: the readiness, if seen already, must not read for a cancelled recv
        assertThatThrownBy(receiving::await).isInstanceOf(CancelledError.class);
        assertThat(text(recvAll(p[1], 4))).isEqualTo("kept");
      });
    }

    @Test
    void aRecvCancelledJustAsItsDataIsSeen_losesNothing_whicheverComesFirst() {
      // The cancel lands one, two or three callbacks later: on each network one of them falls between the poll that
      // sees the data and the readiness callback, which must then not read for the cancelled recv.
      run(() -> {
        for (int hops = 1; hops <= 3; hops++) {
          StreamSocket[] p = pair();
          Task<byte[]> receiving = Weft.createTask(() -> Sockets.recv(p[1], 1024));
          Weft.sleep(Duration.ZERO);
          Sockets.sendAll(p[0], bytes("kept"));
          cancelAfter(hops, receiving);
          String got;
          try {
            got = text(receiving.await());
          } catch (CancelledError e) {
            got = text(Weft.waitFor(Weft.createTask(() -> recvAll(p[1], 4)), WAIT));
          }
          assertThat(got).as("the data, with the cancel %d callbacks later", hops).isEqualTo("kept");
        }
      });
    }

    @Test
    void aRecvIntoCancelledJustAsItsDataIsSeen_leavesTheBufferAsItWas_andTheNextRecvGetsTheData() {
      run(() -> {
        for (int hops = 1; hops <= 3; hops++) {
          StreamSocket[] p = pair();
          ByteBuffer buffer = ByteBuffer.allocate(64);
          Task<Integer> receiving = Weft.createTask(() -> Sockets.recvInto(p[1], buffer));
          Weft.sleep(Duration.ZERO);
          Sockets.sendAll(p[0], bytes("kept"));
          cancelAfter(hops, receiving);
          try {
            assertThat(receiving.await()).isEqualTo(4);
            assertThat(buffer.position()).isEqualTo(4);
          } catch (CancelledError e) {
            assertThat(buffer.position()).as("the buffer of a cancelled recvInto").isZero();
            ByteBuffer next = ByteBuffer.allocate(2); // smaller: the rest stays for the recv after it
            assertThat(Weft.waitFor(Weft.createTask(() -> Sockets.recvInto(p[1], next)), WAIT)).isEqualTo(2);
            assertThat(text(next.array())).isEqualTo("ke");
            assertThat(text(Weft.waitFor(Weft.createTask(() -> recvAll(p[1], 2)), WAIT))).isEqualTo("pt");
          }
        }
      });
    }

    @Test
    void anAcceptCancelledJustAsItsConnectionIsSeen_losesNothing() {
      run(() -> {
        for (int hops = 1; hops <= 3; hops++) {
          ListenSocket listener = listen();
          Task<StreamSocket> accepting = Weft.createTask(() -> Sockets.accept(listener));
          Weft.sleep(Duration.ZERO);
          StreamSocket client = open(loop.network().connect(listener.localAddress(), null));
          cancelAfter(hops, accepting);
          StreamSocket server;
          try {
            server = open(accepting.await());
          } catch (CancelledError e) {
            server = open(Weft.waitFor(Weft.createTask(() -> Sockets.accept(listener)), WAIT));
          }
          Sockets.finishConnect(client);
          assertThat(server.remoteAddress()).as("after %d hops", hops).isEqualTo(client.localAddress());
        }
      });
    }

    @Test
    void twoConcurrentRecvs_onOneSocket_areServedInTheOrderTheyStarted() {
      run(() -> {
        StreamSocket[] p = pair();
        Task<byte[]> first = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        Task<byte[]> second = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        Sockets.sendAll(p[0], bytes("one"));
        assertThat(text(Weft.waitFor(first, WAIT))).isEqualTo("one");
        Weft.sleep(Duration.ofMillis(5));
        assertThat(second.isDone()).as("the second recv, with nothing left to read").isFalse();
        Sockets.sendAll(p[0], bytes("two"));
        assertThat(text(Weft.waitFor(second, WAIT))).isEqualTo("two");
      });
    }

    @Test
    void sendAll_ofLargeData_toASlowReader_waits_andEverythingArrivesInOrder() {
      run(() -> {
        StreamSocket[] p = pair();
        byte[] data = new byte[16 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
          data[i] = (byte) ('0' + i % 10);
        }
        Task<Void> sending = Weft.createTask(() -> {
          Sockets.sendAll(p[0], data);
          p[0].shutdownOutput();
        });
        Weft.sleep(Duration.ofMillis(5));
        assertThat(sending.isDone()).as("sendAll of 16 MiB to a peer that has not read").isFalse();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (byte[] b = Sockets.recv(p[1], 256 * 1024); b.length > 0; b = Sockets.recv(p[1], 256 * 1024)) {
          got.writeBytes(b);
          Weft.sleep(Duration.ofMillis(1)); // a slow reader
        }
        Weft.waitFor(sending, WAIT);
        assertThat(got.size()).isEqualTo(data.length);
        assertThat(java.util.Arrays.equals(got.toByteArray(), data)).as("the bytes, in order").isTrue();
      });
    }

    @Test
    void aCancelledSendAll_leavesThePositionPastWhatWasSent_andThePeerGetsExactlyThat() {
      run(() -> {
        StreamSocket[] p = pair();
        byte[] data = new byte[16 * 1024 * 1024];
        java.util.Arrays.fill(data, (byte) 'x');
        ByteBuffer buffer = ByteBuffer.wrap(data);
        Task<Void> sending = Weft.createTask(() -> Sockets.sendAll(p[0], buffer));
        Weft.sleep(Duration.ofMillis(5));
        sending.cancel();
        assertThatThrownBy(sending::await).isInstanceOf(CancelledError.class);
        int sent = buffer.position();
        assertThat(sent).as("bytes sent before the cancel").isPositive().isLessThan(data.length);
        // The socket is still usable: what follows arrives right after what was sent.
        Task<byte[]> reading = Weft.createTask(() -> recvAll(p[1], Integer.MAX_VALUE - 8));
        Sockets.sendAll(p[0], bytes("world"));
        p[0].shutdownOutput();
        byte[] got = Weft.waitFor(reading, WAIT);
        assertThat(got.length).isEqualTo(sent + 5);
        assertThat(text(java.util.Arrays.copyOfRange(got, sent, got.length))).isEqualTo("world");
      });
    }

    @Test
    void aCancelledAccept_acceptsNothing_andTheNextAcceptGetsTheConnection() {
      run(() -> {
        ListenSocket listener = listen();
        Task<StreamSocket> accepting = Weft.createTask(() -> Sockets.accept(listener));
        Weft.sleep(Duration.ZERO);
        accepting.cancel();
        assertThatThrownBy(accepting::await).isInstanceOf(CancelledError.class);
        StreamSocket client = open(Sockets.connect(listener.localAddress()));
        StreamSocket server = open(Weft.waitFor(Weft.createTask(() -> Sockets.accept(listener)), WAIT));
        assertThat(server.remoteAddress()).isEqualTo(client.localAddress());
      });
    }

    @Test
    void connect_toAClosedPort_isRefused_andLeavesNothingOpen() {
      run(() -> {
        ListenSocket listener = loop.network().listen(new InetSocketAddress(host(), 0), 1, true, false);
        SocketAddress address = listener.localAddress();
        listener.close();
        long before = settledOpenResources();
        assertThatThrownBy(() -> Sockets.connect(address)).isInstanceOf(ConnectException.class);
        assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
            before + openResourcesTolerance());
      });
    }

    @Test
    void connect_resolvesAnUnresolvedAddress_withoutBlockingTheLoop() {
      run(() -> {
        ListenSocket listener = listen();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        Task<StreamSocket> accepting = Weft.createTask(() -> Sockets.accept(listener));
        StreamSocket client = open(Sockets.connect(InetSocketAddress.createUnresolved(host(), port)));
        open(Weft.waitFor(accepting, WAIT));
        assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
      });
    }

    @Test
    void finishConnect_waitsForAConnectStartedOnTheNetwork() {
      run(() -> {
        ListenSocket listener = listen();
        StreamSocket client = open(loop.network().connect(listener.localAddress(), null));
        Task<StreamSocket> accepting = Weft.createTask(() -> Sockets.accept(listener));
        Sockets.finishConnect(client);
        StreamSocket server = open(Weft.waitFor(accepting, WAIT));
        Sockets.sendAll(client, bytes("ok"));
        assertThat(text(recvAll(server, 2))).isEqualTo("ok");
      });
    }

    @Test
    void theRegistration_lastsOnlyWhileAnOperationWaits() {
      run(() -> {
        StreamSocket[] p = pair();
        settledOpenResources();
        assertThat(loop.poller().hasRegistrations()).as("registered after connect and accept ended").isFalse();
        Task<byte[]> receiving = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        assertThat(loop.poller().hasRegistrations()).as("registered while a recv waits").isTrue();
        receiving.cancel();
        assertThatThrownBy(receiving::await).isInstanceOf(CancelledError.class);
        settledOpenResources();
        assertThat(loop.poller().hasRegistrations()).as("registered after the recv was cancelled").isFalse();
        // and it can register again at once
        Task<byte[]> again = Weft.createTask(() -> Sockets.recv(p[1], 1024));
        Weft.sleep(Duration.ZERO);
        Sockets.sendAll(p[0], bytes("again"));
        assertThat(text(Weft.waitFor(again, WAIT))).isEqualTo("again");
      });
    }
  }

  @Nested
  class Checks {

    @Test
    void badArguments_areRefused_namingTheValue() {
      run(() -> {
        StreamSocket[] p = pair();
        assertThatThrownBy(() -> Sockets.recv(p[0], -1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("n must be >= 0, got -1");
        assertThatThrownBy(() -> Sockets.sendAll(p[0], (byte[]) null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("data");
        assertThatThrownBy(() -> Sockets.sendAll(p[0], (ByteBuffer) null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("data");
        assertThatThrownBy(() -> Sockets.recvInto(p[0], null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("buffer");
        assertThatThrownBy(() -> Sockets.recv(null, 1)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("socket");
        DatagramSocket d = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        assertThatThrownBy(() -> Sockets.recvFrom(d, -5)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("bufsize must be >= 0, got -5");
        assertThatThrownBy(() -> Sockets.getAddrInfo(host(), 70000)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("70000");
      });
    }

    @Test
    void aSocketUsedByATransportOrServer_isRefused() {
      run(() -> {
        Server server = Net.createServer(() -> new Recorder(loop, WAIT), host(), 0);
        try {
          ListenSocket listening = server.sockets().get(0);
          assertThatThrownBy(() -> Sockets.accept(listening)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("is used by a transport");
          int port = ((InetSocketAddress) listening.localAddress()).getPort();
          Net.Connection<Recorder> c = Net.createConnection(() -> new Recorder(loop, WAIT), host(), port);
          StreamSocket socket = (StreamSocket) c.transport().getExtraInfo("socket");
          assertThatThrownBy(() -> Sockets.recv(socket, 10)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("is used by a transport");
          assertThatThrownBy(() -> Sockets.sendAll(socket, bytes("x"))).isInstanceOf(IllegalStateException.class);
          c.transport().abort();
          server.abortClients();
        } finally {
          server.close();
        }
      });
    }

    @Test
    void aRawSocket_canBeHandedToATransport_afterItsOperations() {
      run(() -> {
        StreamSocket[] p = pair();
        Sockets.sendAll(p[0], bytes("raw"));
        assertThat(text(recvAll(p[1], 3))).isEqualTo("raw");
        Net.Connection<Recorder> c = Net.connectAccepted(() -> new Recorder(loop, WAIT), p[0]);
        Sockets.sendAll(p[1], bytes("to the transport"));
        assertThat(c.protocol().awaitBytes(16)).isEqualTo("to the transport");
        c.transport().abort();
      });
    }

    @Test
    void getAddrInfo_resolvesWithThePort() {
      run(() -> {
        List<InetSocketAddress> found = Sockets.getAddrInfo(host(), 4242);
        assertThat(found).isNotEmpty().allSatisfy(a -> assertThat(a.getPort()).isEqualTo(4242));
        assertThat(found.get(0).isUnresolved()).isFalse();
      });
    }
  }

  @Nested
  class Datagrams {

    @Test
    void sendToAndRecvFrom_carryWholeDatagrams_withTheSender() {
      run(() -> {
        DatagramSocket a = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        DatagramSocket b = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        byte[] data = new byte[4096];
        java.util.Arrays.fill(data, (byte) 1);
        assertThat(Sockets.sendTo(a, data, b.localAddress())).isEqualTo(4096);
        Sockets.Received r = Sockets.recvFrom(b, 4096);
        assertThat(r.data()).isEqualTo(data);
        assertThat(r.address()).isEqualTo(a.localAddress());

        Sockets.sendTo(b, ByteBuffer.wrap(bytes("0123456789")), a.localAddress());
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        buffer.limit(4); // asyncio's nbytes
        Sockets.ReceivedInto into = Sockets.recvFromInto(a, buffer);
        assertThat(into.count()).as("truncated to the room given").isEqualTo(4);
        assertThat(into.address()).isEqualTo(b.localAddress());
        assertThat(text(java.util.Arrays.copyOf(buffer.array(), 4))).isEqualTo("0123");
      });
    }

    @Test
    void aRecvFromCancelledJustAsItsDatagramIsSeen_losesNothing() {
      run(() -> {
        DatagramSocket a = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        DatagramSocket b = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        for (int hops = 1; hops <= 3; hops++) {
          Task<Sockets.Received> receiving = Weft.createTask(() -> Sockets.recvFrom(b, 100));
          Weft.sleep(Duration.ZERO);
          Sockets.sendTo(a, bytes("datagram " + hops), b.localAddress());
          cancelAfter(hops, receiving);
          Sockets.Received got;
          try {
            got = receiving.await();
          } catch (CancelledError e) {
            got = Weft.waitFor(Weft.createTask(() -> Sockets.recvFrom(b, 100)), WAIT);
          }
          assertThat(text(got.data())).isEqualTo("datagram " + hops);
          assertThat(got.address()).isEqualTo(a.localAddress());
        }
      });
    }

    @Test
    void aCancelledRecvFrom_takesNoDatagram() {
      run(() -> {
        DatagramSocket a = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        DatagramSocket b = open(loop.network().openDatagram(new InetSocketAddress(host(), 0), null, false));
        Task<Sockets.Received> receiving = Weft.createTask(() -> Sockets.recvFrom(b, 100));
        Weft.sleep(Duration.ZERO);
        receiving.cancel();
        Sockets.sendTo(a, bytes("first"), b.localAddress());
        assertThatThrownBy(receiving::await).isInstanceOf(CancelledError.class);
        Task<Sockets.Received> next = Weft.createTask(() -> Sockets.recvFrom(b, 100));
        assertThat(text(Weft.waitFor(next, WAIT).data())).isEqualTo("first");
      });
    }
  }

  @Nested
  class UnixStreams {

    @Test
    void startUnixServer_andOpenUnixConnection_echoALine() {
      run(() -> {
        Path path = unixPath();
        org.junit.jupiter.api.Assumptions.assumeTrue(path != null, "no Unix-domain streams on this network");
        Server server = Streams.startUnixServer((reader, writer) -> {
          writer.write(reader.readLine());
          writer.close();
        }, path);
        try {
          Streams.Pair pair = Streams.openUnixConnection(path);
          pair.writer().write(bytes("ping\n"));
          assertThat(text(pair.reader().readLine())).isEqualTo("ping\n");
          assertThat(pair.reader().read(10)).as("EOF after the echo").isEmpty();
          pair.writer().close();
        } finally {
          server.close();
          Weft.waitFor(Weft.createTask(server::waitClosed), WAIT);
        }
      });
    }

    @Test
    void theLimit_boundsALine_onUnixAndTcpStreams() {
      run(() -> {
        byte[] line = bytes("0123456789abcdef\n");
        Streams.ClientHandler sendLine = (reader, writer) -> {
          writer.write(line);
          writer.close();
        };
        List<Server> servers = new ArrayList<>();
        try {
          Server tcp = Streams.startServer(sendLine, host(), 0, 8);
          servers.add(tcp);
          int port = ((InetSocketAddress) tcp.sockets().get(0).localAddress()).getPort();
          Streams.Pair small = Streams.openConnection(host(), port, 8);
          assertThatThrownBy(() -> small.reader().readLine()).isInstanceOf(IllegalArgumentException.class);
          small.writer().close();
          Streams.Pair big = Streams.openConnection(host(), port);
          assertThat(big.reader().readLine()).isEqualTo(line);
          big.writer().close();
          Path path = unixPath();
          if (path != null) {
            Server unix = Streams.startUnixServer(sendLine, path, 8);
            servers.add(unix);
            Streams.Pair u = Streams.openUnixConnection(path, 8);
            assertThatThrownBy(() -> u.reader().readLine()).isInstanceOf(IllegalArgumentException.class);
            u.writer().close();
          }
          assertThatThrownBy(() -> Streams.openConnection(host(), port, 0))
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
          assertThatThrownBy(() -> Streams.startServer(sendLine, host(), 0, -1))
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        } finally {
          for (Server s : servers) {
            s.close();
            Weft.waitFor(Weft.createTask(s::waitClosed), WAIT);
          }
        }
      });
    }

    @Test
    void aClosedUnixServer_freesItsPath_forTheNextServer() {
      run(() -> {
        Path path = unixPath();
        org.junit.jupiter.api.Assumptions.assumeTrue(path != null, "no Unix-domain streams on this network");
        Streams.ClientHandler hello = (reader, writer) -> {
          writer.write(bytes("hello\n"));
          writer.close();
        };
        Server first = Streams.startUnixServer(hello, path);
        first.close();
        Server second = Streams.startUnixServer(hello, path);
        try {
          Streams.Pair pair = Streams.openUnixConnection(path);
          assertThat(text(pair.reader().readLine())).isEqualTo("hello\n");
          pair.writer().close();
        } finally {
          second.close();
          Weft.waitFor(Weft.createTask(second::waitClosed), WAIT);
        }
      });
    }
  }
}
