package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.Weft;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Transport}, {@link Server} and {@link Net} against every network, through a real loop: one contract, the
 * same behaviour on NIO and on the simulated network.
 *
 * <p>Subclasses make the loop (whose network is the one under test), say which host to use and how to count what
 * the network holds open. Every test runs as a task on that loop; every wait is bounded by {@link #WAIT} on the
 * loop's clock, and the whole test by JUnit's timeout.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class TransportContractTests {

  /** How long, on the loop's clock, any one wait may take before the test fails. */
  protected static final Duration WAIT = Duration.ofSeconds(5);

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  protected final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final List<Server> servers = new ArrayList<>();
  private final List<Transport> clients = new ArrayList<>();

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

  /** A host name the network does not resolve. */
  protected String unresolvableHost() {
    return "no-such-host.invalid";
  }

  /** A fresh Unix-domain path nothing listens on, or null if this network has no Unix-domain streams. */
  protected java.nio.file.Path unixPath() throws IOException {
    return null;
  }

  /** Checks the error a peer's protocol gets after this side aborted (a reset on TCP). */
  protected void assertIsReset(Throwable cause) {
    assertThat(cause).isInstanceOf(IOException.class);
    assertThat(cause.getMessage()).containsIgnoringCase("reset");
  }

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

  protected void run(Body body) {
    loop.runUntilComplete(() -> {
      try {
        body.run();
      } finally {
        for (Server s : servers) {
          s.close();
          s.abortClients();
        }
        clients.forEach(Transport::abort);
        for (int i = 0; i < 5; i++) {
          Weft.sleep(Duration.ZERO);
        }
      }
      return null;
    });
  }

  protected Recorder recorder() {
    return new Recorder(loop, WAIT);
  }

  /** An echo server whose protocols are collected in {@code accepted}, customised by {@code setup}. */
  protected Server echoServer(List<Recorder> accepted, Consumer<Recorder> setup) throws IOException {
    return server(accepted, setup, true);
  }

  /** A server whose protocols only record what they get (and echo it if {@code echo}). */
  protected Server server(List<Recorder> accepted, Consumer<Recorder> setup, boolean echo) throws IOException {
    Server server = Net.createServer(() -> {
      Recorder r = new Recorder(loop, WAIT) {
        @Override
        public void dataReceived(byte[] data) {
          super.dataReceived(data);
          if (echo) {
            transport.write(data);
          }
        }
      };
      setup.accept(r);
      accepted.add(r);
      return r;
    }, host(), 0);
    servers.add(server);
    return server;
  }

  protected Server echoServer(List<Recorder> accepted) throws IOException {
    return echoServer(accepted, r -> {});
  }

  protected static int port(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /** Connects to {@code server}; the test's end aborts the connection if it is still open. */
  protected Net.Connection<Recorder> connect(Server server) throws IOException {
    Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server));
    clients.add(c.transport());
    return c;
  }

  protected Recorder awaitAccepted(List<Recorder> accepted, int n) {
    for (int i = 0; accepted.size() < n; i++) {
      assertThat(i).as("iterations waiting for connection " + n).isLessThan(10_000);
      Weft.sleep(Duration.ofMillis(1));
    }
    Recorder r = accepted.get(n - 1);
    r.awaitMade();
    return r;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Lets closes settle (a selector forgets a closed channel at its next poll), then counts open resources. */
  protected long settledOpenResources() throws IOException {
    for (int i = 0; i < 3; i++) {
      Weft.sleep(Duration.ZERO);
    }
    return openResources();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void echo_roundTrip_withConnectionMadeFirst_andExtraInfo() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      Net.Connection<Recorder> c = connect(server);
      Transport t = c.transport();

      assertThat(c.protocol().events).as("connectionMade ran before createConnection returned").containsExactly("made");
      assertThat(c.protocol().transport).isSameAs(t);
      t.write(bytes("hello, "));
      t.write(ByteBuffer.wrap(bytes("world")));
      assertThat(c.protocol().awaitBytes(12)).isEqualTo("hello, world");

      SocketAddress serverAddress = server.sockets().get(0).localAddress();
      assertThat(t.getExtraInfo("peername")).isEqualTo(serverAddress);
      assertThat(t.getExtraInfo("sockname")).isEqualTo(awaitAccepted(accepted, 1).transport.getExtraInfo("peername"));
      assertThat(t.getExtraInfo("socket")).isInstanceOf(Network.StreamSocket.class);
      assertThat(t.getExtraInfo("nothing", "fallback")).isEqualTo("fallback");
      Network.StreamSocket clientSocket = (Network.StreamSocket) t.getExtraInfo("socket");
      Network.StreamSocket serverSide =
          (Network.StreamSocket) awaitAccepted(accepted, 1).transport.getExtraInfo("socket");
      assertThat(clientSocket.getOption(java.net.StandardSocketOptions.TCP_NODELAY))
          .as("TCP_NODELAY on every TCP transport, as asyncio's _set_nodelay").isTrue();
      assertThat(serverSide.getOption(java.net.StandardSocketOptions.TCP_NODELAY)).isTrue();
      assertThat(t.getProtocol()).isSameAs(c.protocol());
      assertThat(t.isReading()).isTrue();
      assertThat(t.isClosing()).isFalse();

      t.close();
      assertThat(c.protocol().awaitLost()).isNull();
      assertThat(accepted.get(0).awaitLost()).as("the server side, after the client's FIN").isNull();
      assertThat(accepted.get(0).events).containsExactly("made", "data", "eof", "lost");
      server.close();
      Weft.waitFor(Weft.createTask(server::waitClosed), WAIT);
    });
  }

  @Test
  void aLargeWrite_toAPeerThatDoesNotRead_pausesWritingOnce_thenResumesOnceWhenItDrains() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted, r -> r.pauseReadingAtStart = true);
      Net.Connection<Recorder> c = connect(server);
      Transport t = c.transport();
      Recorder peer = awaitAccepted(accepted, 1);
      peer.transport.setWriteBufferLimits(Integer.MAX_VALUE); // the echo back must not pause the peer
      byte[] chunk = new byte[64 * 1024];
      long written = 0;
      for (int i = 0; c.protocol().pauses == 0; i++) {
        assertThat(i).as("64 KiB writes before pauseWriting").isLessThan(2_000);
        t.write(chunk);
        written += chunk.length;
      }
      assertThat(t.getWriteBufferSize()).isGreaterThan(t.getWriteBufferLimits().high());
      t.write(chunk);
      written += chunk.length;
      assertThat(c.protocol().pauses).as("pauses, after more writes").isEqualTo(1);
      assertThat(c.protocol().resumes).isZero();

      c.protocol().transport.pauseReading(); // the echo comes back later; only the draining matters here
      peer.transport.resumeReading();
      c.protocol().awaitResume();
      assertThat(c.protocol().resumes).isEqualTo(1);
      assertThat(c.protocol().pauses).isEqualTo(1);
      assertThat(t.getWriteBufferSize()).isLessThanOrEqualTo(t.getWriteBufferLimits().low());
      peer.awaitBytes((int) written);
      assertThat(peer.received.size()).isEqualTo(written);
      assertThat(c.protocol().events).containsExactly("made", "pause", "resume");
    });
  }

  @Test
  void writeEof_halfCloses_thePeerGetsEofReceived_andCanStillAnswer() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = Net.createServer(() -> {
        Recorder r = recorder();
        r.keepOpenOnEof = true;
        accepted.add(r);
        return r;
      }, host(), 0);
      servers.add(server);
      Net.Connection<Recorder> c = connect(server);
      Transport t = c.transport();

      assertThat(t.canWriteEof()).isTrue();
      t.write(bytes("question"));
      t.writeEof();
      t.writeEof(); // idempotent
      assertThatThrownBy(() -> t.write(bytes("more")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("writeEof");

      Recorder peer = awaitAccepted(accepted, 1);
      peer.awaitEof();
      assertThat(peer.text()).isEqualTo("question");
      assertThat(peer.transport.isClosing()).as("kept half-open").isFalse();
      peer.transport.write(bytes("answer"));
      peer.transport.close();

      assertThat(c.protocol().awaitBytes(6)).isEqualTo("answer");
      c.protocol().awaitEof();
      assertThat(c.protocol().awaitLost()).isNull();
      assertThat(peer.awaitLost()).isNull();
      assertThat(c.protocol().events).containsExactly("made", "data", "eof", "lost");
      assertThat(peer.events).containsExactly("made", "data", "eof", "lost");
    });
  }

  @Test
  void close_flushesWhatIsBuffered_thenCallsConnectionLostNullOnce() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = server(accepted, r -> r.pauseReadingAtStart = true, false);
      Net.Connection<Recorder> c = connect(server);
      Transport t = c.transport();
      Recorder peer = awaitAccepted(accepted, 1);
      peer.transport.setWriteBufferLimits(Integer.MAX_VALUE);
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 'x');
      int written = 0;
      for (int i = 0; t.getWriteBufferSize() == 0; i++) {
        assertThat(i).as("writes before something stays buffered").isLessThan(2_000);
        t.write(chunk);
        written += chunk.length;
      }

      t.close();
      t.close();
      assertThat(t.isClosing()).isTrue();
      assertThat(t.isReading()).isFalse();
      Weft.sleep(Duration.ZERO);
      assertThat(c.protocol().lost.isDone()).as("lost while data is still buffered").isFalse();

      peer.transport.resumeReading();
      peer.awaitEof();
      assertThat(peer.received.size()).as("bytes the peer got before EOF").isEqualTo(written);
      assertThat(c.protocol().awaitLost()).isNull();
      Weft.sleep(Duration.ZERO);
      assertThat(c.protocol().events.stream().filter("lost"::equals)).hasSize(1);
      assertThat(t.getWriteBufferSize()).isZero();
    });
  }

  @Test
  void abort_dropsTheBuffer_callsConnectionLostNull_andThePeerSeesAReset() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = server(accepted, r -> r.pauseReadingAtStart = true, false);
      Net.Connection<Recorder> c = connect(server);
      Transport t = c.transport();
      Recorder peer = awaitAccepted(accepted, 1);
      for (int i = 0; t.getWriteBufferSize() == 0; i++) {
        assertThat(i).as("writes before something stays buffered").isLessThan(2_000);
        t.write(new byte[64 * 1024]);
      }

      t.abort();
      t.abort();
      assertThat(t.getWriteBufferSize()).isZero();
      assertThat(t.isClosing()).isTrue();
      assertThat(c.protocol().awaitLost()).isNull();

      peer.transport.resumeReading();
      assertIsReset(peer.awaitLost());
      assertThat(handled).as("a reset is the connection's fate, not a bug to report").isEmpty();
    });
  }

  @Test
  void aRefusedConnect_raisesConnectExceptionNamingTheAddress_andLeavesNothingOpen() {
    run(() -> {
      Server probe = Net.createServer(this::recorder, host(), 0);
      int port = port(probe);
      probe.close();
      long before = settledOpenResources();

      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), port))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining(String.valueOf(port));
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
    });
  }

  @Test
  void aPortOutOfRange_isIllegalArgument_namingIt_beforeAnythingIsOpened() {
    run(() -> {
      long before = settledOpenResources();
      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), 70_000))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
      assertThatThrownBy(() -> Net.createServer(this::recorder, host(), -1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
      assertThatThrownBy(() -> Net.createServer(this::recorder, host(), 0, 0, true, true))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backlog");
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
    });
  }

  @Test
  void writeOfNull_isANullPointerException_andTheStreamStaysIntact() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Net.Connection<Recorder> c = connect(echoServer(accepted));
      Transport t = c.transport();

      t.write(bytes("a"));
      assertThatThrownBy(() -> t.write((byte[]) null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("data");
      assertThatThrownBy(() -> t.write((ByteBuffer) null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("data");
      assertThatThrownBy(() -> t.writeLines(Arrays.asList(bytes("lost"), null)))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("lines[1]");
      t.writeLines(List.of(bytes("b"), bytes("c")));
      assertThat(c.protocol().awaitBytes(3)).isEqualTo("abc");
      assertThat(t.isClosing()).isFalse();
    });
  }

  @Test
  void writesAfterClose_areDropped_andTheFifthWarnsOnce() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Net.Connection<Recorder> c = connect(echoServer(accepted));
      Transport t = c.transport();
      t.close();
      for (int i = 0; i < 4; i++) {
        t.write(bytes("dropped"));
      }
      assertThat(warnings).isEmpty();
      t.write(bytes("dropped"));
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("socket.send() raised exception.");
      for (int i = 0; i < 10; i++) {
        t.write(bytes("dropped"));
      }
      assertThat(warnings).hasSize(1);
      t.write(new byte[0]); // an empty write is no write at all
      assertThat(c.protocol().awaitLost()).isNull();
      Recorder peer = awaitAccepted(accepted, 1);
      peer.awaitLost();
      assertThat(peer.received.size()).as("bytes that reached the peer").isZero();
    });
  }

  @Test
  void aServerClosedWithClientsConnected_stopsAccepting_keepsThem_andWaitClosedWaitsForThem() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      int port = port(server);
      Net.Connection<Recorder> a = connect(server);
      Net.Connection<Recorder> b = connect(server);
      awaitAccepted(accepted, 2);
      assertThat(server.isServing()).isTrue();

      server.close();
      assertThat(server.state()).isEqualTo(Server.State.CLOSED);
      assertThat(server.isServing()).isFalse();
      assertThat(server.sockets()).isEmpty();
      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), port))
          .isInstanceOf(ConnectException.class);
      a.transport().write(bytes("still here"));
      assertThat(a.protocol().awaitBytes(10)).isEqualTo("still here");

      Task<Void> waiting = Weft.createTask(server::waitClosed);
      Weft.sleep(Duration.ZERO);
      assertThat(waiting.isDone()).as("waitClosed with clients connected").isFalse();
      server.closeClients();
      assertThat(a.protocol().awaitLost()).isNull();
      assertThat(b.protocol().awaitLost()).isNull();
      Weft.waitFor(waiting, WAIT);
      assertThatThrownBy(server::startServing).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("CLOSED");
    });
  }

  @Test
  void abortClients_resetsEachClient() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      Net.Connection<Recorder> a = connect(server);
      awaitAccepted(accepted, 1);
      server.abortClients();
      assertIsReset(a.protocol().awaitLost());
      assertThat(accepted.get(0).awaitLost()).isNull();
    });
  }

  @Test
  void aProtocolThatThrowsInDataReceived_goesToTheExceptionHandler_andTheTransportIsAborted() {
    run(() -> {
      RuntimeException boom = new IllegalStateException("boom");
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted, r -> {});
      Server failing = Net.createServer(() -> {
        Recorder r = new Recorder(loop, WAIT) {
          @Override
          public void dataReceived(byte[] data) {
            throw boom;
          }
        };
        accepted.add(r);
        return r;
      }, host(), 0);
      servers.add(failing);
      server.close();
      Net.Connection<Recorder> c = connect(failing);
      c.transport().write(bytes("trigger"));

      Recorder peer = awaitAccepted(accepted, 1);
      assertThat(peer.awaitLost()).isSameAs(boom);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).contains("dataReceived");
      assertThat(handled.get(0).exception()).isSameAs(boom);
      assertThat(handled.get(0).extras()).containsKeys("transport", "protocol");
      assertIsReset(c.protocol().awaitLost());
    });
  }

  @Test
  void writeBufferLimits_defaultToHighAndAQuarter_andBadOnesNameBothValues() {
    run(() -> {
      Net.Connection<Recorder> c = connect(echoServer(new ArrayList<>()));
      Transport t = c.transport();
      assertThat(t.getWriteBufferLimits()).isEqualTo(new Transport.WriteLimits(16 * 1024, 64 * 1024));
      t.setWriteBufferLimits(256);
      assertThat(t.getWriteBufferLimits()).isEqualTo(new Transport.WriteLimits(64, 256));
      assertThatThrownBy(() -> t.setWriteBufferLimits(0, 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("high (0) must be >= low (1) must be >= 0");
      assertThatThrownBy(() -> t.setWriteBufferLimits(4, -1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      assertThat(t.getWriteBufferLimits()).isEqualTo(new Transport.WriteLimits(64, 256));
      t.setWriteBufferLimits();
      assertThat(t.getWriteBufferLimits().high()).isEqualTo(Transport.DEFAULT_HIGH_WATER);
    });
  }

  @Test
  void pauseAndResumeReading_areIdempotent_andDataWaitsMeanwhile() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Net.Connection<Recorder> c = connect(echoServer(accepted));
      Transport t = c.transport();
      t.pauseReading();
      t.pauseReading();
      assertThat(t.isReading()).isFalse();
      t.write(bytes("ping"));
      awaitAccepted(accepted, 1).awaitBytes(4);
      for (int i = 0; i < 5; i++) {
        Weft.sleep(Duration.ofMillis(1));
      }
      assertThat(c.protocol().received.size()).as("received while paused").isZero();
      t.resumeReading();
      t.resumeReading();
      assertThat(t.isReading()).isTrue();
      assertThat(c.protocol().awaitBytes(4)).isEqualTo("ping");
      t.close();
      assertThat(t.isReading()).isFalse();
      t.resumeReading();
      assertThat(t.isReading()).isFalse();
    });
  }

  @Test
  void serveForever_whenCancelled_closesTheServer() {
    run(() -> {
      Server server = Net.createServer(this::recorder, host(), 0, 10, true, false);
      servers.add(server);
      assertThat(server.state()).isEqualTo(Server.State.NOT_SERVING);
      Task<Void> serving = Weft.createTask(server::serveForever);
      Weft.sleep(Duration.ZERO);
      assertThat(server.isServing()).isTrue();
      assertThatThrownBy(server::serveForever).isInstanceOf(IllegalStateException.class);
      serving.cancel();
      assertThatThrownBy(() -> Weft.waitFor(serving, WAIT)).isInstanceOf(CancelledError.class);
      assertThat(server.state()).isEqualTo(Server.State.CLOSED);
    });
  }

  @Test
  void aProtocolCanBeReplaced_andTheNewOneGetsWhatFollows() {
    run(() -> {
      Net.Connection<Recorder> c = connect(echoServer(new ArrayList<>()));
      Recorder second = recorder();
      c.transport().setProtocol(second);
      assertThat(c.transport().getProtocol()).isSameAs(second);
      c.transport().write(bytes("to the second"));
      assertThat(second.awaitBytes(13)).isEqualTo("to the second");
      assertThat(c.protocol().received.size()).isZero();
    });
  }

  @Test
  void aHostThatDoesNotResolve_raisesUnknownHost_namingIt() {
    run(() -> assertThatThrownBy(() -> Net.createConnection(this::recorder, unresolvableHost(), 80))
        .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining(unresolvableHost()));
  }

  @Test
  void tenThousandConnectCloseCycles_leaveNoSocketOrTaskBehind() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      long before = settledOpenResources();
      int cycles = 10_000;
      for (int i = 0; i < cycles; i++) {
        Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server));
        c.transport().close();
        c.protocol().awaitLost();
      }
      for (int i = 0; i < accepted.size(); i++) {
        accepted.get(i).awaitLost();
      }
      assertThat(accepted).hasSize(cycles);
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
      assertThat(loop.allTasks()).hasSize(1);
    });
  }

  @Test
  void happyEyeballs_aRefusedFirstAddress_fallsThroughToTheNext_andTheLoserIsClosed() {
    run(() -> {
      Server probe = Net.createServer(this::recorder, host(), 0);
      SocketAddress refusing = probe.sockets().get(0).localAddress();
      probe.close();
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      SocketAddress listening = server.sockets().get(0).localAddress();
      long before = settledOpenResources();

      Connector.Attempt a = Connector.first(loop, List.of(refusing, listening), null, Duration.ofMillis(50));
      assertThat(a.socket().remoteAddress()).isEqualTo(listening);
      a.close();
      assertThatThrownBy(() -> Connector.first(loop, List.of(refusing, refusing), null, Duration.ofMillis(50)))
          .isInstanceOf(ConnectException.class).hasMessageContaining(String.valueOf(refusing).replace("/", ""));
      awaitAccepted(accepted, 1).awaitLost();
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());

      Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server), null,
          Duration.ofMillis(250));
      clients.add(c.transport());
      c.transport().write(bytes("eyeballs"));
      assertThat(c.protocol().awaitBytes(8)).isEqualTo("eyeballs");
    });
  }

  @Test
  void connectAccepted_adoptsASocketConnectedElsewhere() {
    run(() -> {
      Server server = echoServer(new ArrayList<>());
      Network.StreamSocket raw = loop.network().connect(server.sockets().get(0).localAddress(), null);
      Net.Connection<Recorder> c = Net.connectAccepted(this::recorder, raw);
      clients.add(c.transport());
      assertThat(c.transport().getExtraInfo("socket")).isSameAs(raw);
      c.transport().write(bytes("adopted"));
      assertThat(c.protocol().awaitBytes(7)).isEqualTo("adopted");
    });
  }

  @Test
  void aServerOnSeveralHosts_listensOnceOnEachDistinctAddress() {
    run(() -> {
      Server server = Net.createServer(this::recorder, List.of(host(), host()), 0, 8, true, false, false);
      servers.add(server);
      assertThat(server.sockets()).hasSize(1);
      assertThat(server.isServing()).isFalse();
      assertThatThrownBy(() -> Net.createServer(this::recorder, List.of(), 0, 8, true, false, true))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hosts");
    });
  }

  @Test
  void unixDomain_echoRoundTrip_andARefusalNamingThePath() throws IOException {
    java.nio.file.Path path = unixPath();
    org.junit.jupiter.api.Assumptions.assumeTrue(path != null, "no Unix-domain streams on this network");
    java.nio.file.Path nowhere = unixPath();
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = Net.createUnixServer(() -> {
        Recorder r = new Recorder(loop, WAIT) {
          @Override
          public void dataReceived(byte[] data) {
            super.dataReceived(data);
            transport.write(data);
          }
        };
        accepted.add(r);
        return r;
      }, path, 8, true);
      servers.add(server);
      Net.Connection<Recorder> c = Net.createUnixConnection(this::recorder, path);
      c.transport().write(bytes("over unix"));
      assertThat(c.protocol().awaitBytes(9)).isEqualTo("over unix");
      c.transport().close();
      assertThat(c.protocol().awaitLost()).isNull();
      assertThat(awaitAccepted(accepted, 1).awaitLost()).isNull();
      assertThatThrownBy(() -> Net.createUnixConnection(this::recorder, nowhere))
          .isInstanceOf(ConnectException.class).hasMessageContaining(nowhere.toString());
    });
  }

  @Test
  void loweringTheHighWaterMark_belowWhatIsBuffered_pausesAtOnce_andAThrowingPauseWriting_onlyGoesToTheHandler() {
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = server(accepted, r -> r.pauseReadingAtStart = true, false);
      RuntimeException boom = new IllegalStateException("pause boom");
      Net.Connection<Recorder> c = Net.createConnection(() -> new Recorder(loop, WAIT) {
        @Override
        public void pauseWriting() {
          super.pauseWriting();
          throw boom;
        }
      }, host(), port(server));
      clients.add(c.transport());
      Transport t = c.transport();
      t.setWriteBufferLimits(Integer.MAX_VALUE);
      for (int i = 0; t.getWriteBufferSize() == 0; i++) {
        assertThat(i).as("writes before something stays buffered").isLessThan(2_000);
        t.write(new byte[64 * 1024]);
      }
      assertThat(c.protocol().pauses).isZero();

      t.setWriteBufferLimits(0);
      assertThat(c.protocol().pauses).as("pauses once the new mark is below the buffer").isEqualTo(1);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).isEqualTo("protocol.pauseWriting() failed");
      assertThat(handled.get(0).exception()).isSameAs(boom);
      assertThat(t.isClosing()).as("a failing pauseWriting does not end the connection").isFalse();
    });
  }

  @Test
  void aProtocolThatThrowsInEofReceived_goesToTheHandler_andLosesTheConnectionWithThatError() {
    run(() -> {
      RuntimeException boom = new IllegalStateException("eof boom");
      List<Recorder> accepted = new ArrayList<>();
      Server server = Net.createServer(() -> {
        Recorder r = new Recorder(loop, WAIT) {
          @Override
          public boolean eofReceived() {
            super.eofReceived();
            throw boom;
          }
        };
        accepted.add(r);
        return r;
      }, host(), 0);
      servers.add(server);
      Net.Connection<Recorder> c = connect(server);
      c.transport().writeEof();
      assertThat(awaitAccepted(accepted, 1).awaitLost()).isSameAs(boom);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).contains("eofReceived");
      c.protocol().awaitLost();
    });
  }

  @Test
  void aProtocolThatThrowsInConnectionMade_goesToTheHandler_andTheTransportIsAborted() {
    run(() -> {
      RuntimeException boom = new IllegalStateException("made boom");
      List<Recorder> accepted = new ArrayList<>();
      Server server = echoServer(accepted);
      Net.Connection<Recorder> c = Net.createConnection(() -> new Recorder(loop, WAIT) {
        @Override
        public void connectionMade(Transport transport) {
          super.connectionMade(transport);
          throw boom;
        }
      }, host(), port(server));
      assertThat(c.transport().isClosing()).isTrue();
      assertThat(c.protocol().awaitLost()).isSameAs(boom);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).contains("connectionMade");
      awaitAccepted(accepted, 1).awaitLost();
    });
  }

  @Test
  void aServerInTryWithResources_stopsListeningAtTheEndOfTheBlock() {
    run(() -> {
      int port;
      try (Server server = Net.createServer(this::recorder, host(), 0)) {
        port = port(server);
        assertThat(server.isServing()).isTrue();
      }
      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), port))
          .isInstanceOf(ConnectException.class);
    });
  }

  @Test
  void aBufferedProtocol_readsIntoItsOwnBuffer_inPiecesNoLargerThanTheRoomItGives() {
    run(() -> {
      Server server = echoServer(new ArrayList<>());
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      List<Integer> sizes = new ArrayList<>();
      io.weft.Future<Void> all = loop.createFuture();
      ByteBuffer small = ByteBuffer.allocate(3);
      Net.Connection<BufferedProtocol> c = Net.createConnection(() -> new BufferedProtocol() {
        @Override
        public ByteBuffer getBuffer(int sizeHint) {
          return small.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
          sizes.add(nbytes);
          got.write(small.array(), 0, nbytes);
          if (got.size() == 10 && !all.isDone()) {
            all.setResult(null);
          }
        }
      }, host(), port(server));
      clients.add(c.transport());
      c.transport().write(bytes("0123456789"));
      Weft.waitFor(all, WAIT);
      assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("0123456789");
      assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, 3));
    });
  }

  @Test
  void aBufferedProtocolWithNoRoom_isReportedAndAborts() {
    run(() -> {
      Server server = echoServer(new ArrayList<>());
      io.weft.Future<Throwable> lost = loop.createFuture();
      Net.Connection<BufferedProtocol> c = Net.createConnection(() -> new BufferedProtocol() {
        @Override
        public ByteBuffer getBuffer(int sizeHint) {
          return ByteBuffer.allocate(0);
        }

        @Override
        public void bufferUpdated(int nbytes) {}

        @Override
        public void connectionLost(Throwable cause) {
          lost.setResult(cause);
        }
      }, host(), port(server));
      c.transport().write(bytes("x"));
      assertThat(Weft.waitFor(lost, WAIT)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no room");
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).contains("getBuffer");
    });
  }
}
