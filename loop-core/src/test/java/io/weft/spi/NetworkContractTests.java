package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.TimerHandle;
import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.NetSocket;
import io.weft.spi.Network.StreamSocket;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Network} contract, run against every implementation through a real loop: streams (connect, accept,
 * read, write, backpressure, FIN, RST, refusal), listening, datagrams, resolution, options, closing and leaks.
 *
 * <p>Subclasses make the loop (whose {@link EventLoop#network()} is the network under test) and say where sockets
 * go and how to count what is open. Every test runs its body as a task on that loop, waits for readiness through
 * the loop's poller as a transport would, and bounds each wait by a loop timer ({@link #WAIT}) and each loop by a
 * count, so a broken network fails a test instead of hanging it.
 *
 * <p>To run it on another network, subclass it: {@link #newLoop()} builds a loop with
 * {@code EventLoop.builder()...network(theNetwork)}; {@link #listenAddress()} and {@link #datagramAddress()} give
 * fresh local addresses (port 0 on a host's address, or a new Unix-domain path); {@link #openResources()} counts
 * what the network holds open (descriptors for NIO, open sockets for a simulated network, whose tolerance stays
 * 0); {@link #abortOutcome()} says what a peer reads after an abort. Tests that need inet addresses or datagrams
 * skip themselves (JUnit assumptions) on networks or addresses without them. The tests are flat methods, not
 * {@code @Nested} classes, so each report names the subclass that ran it.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class NetworkContractTests {

  /** How long, on the loop's clock, a wait for readiness may take before the test fails. */
  protected static final Duration WAIT = Duration.ofSeconds(5);

  /** What a peer's read sees after the other side's {@link StreamSocket#abort()}. */
  protected enum AbortOutcome {
    /** The read throws an {@link IOException} that says the connection was reset (TCP's RST). */
    RESET,
    /** The read returns -1, as after a graceful close (Unix-domain sockets have no reset). */
    EOF
  }

  protected EventLoop loop;
  protected Network network;
  private final List<NetSocket> opened = new ArrayList<>();

  // ------------------------------------------------------------------------------------------------------------
  // What a subclass provides
  // ------------------------------------------------------------------------------------------------------------

  /** Creates a fresh loop whose {@link EventLoop#network()} is the network under test. */
  protected abstract EventLoop newLoop();

  /** Returns a fresh local address to listen on: port 0 on loopback, or a new Unix-domain path. */
  protected abstract SocketAddress listenAddress();

  /** Returns a fresh local address for a datagram socket, or {@code null} if this network has no datagrams there. */
  protected abstract SocketAddress datagramAddress();

  /** Counts what this network holds open (file descriptors for NIO, sockets for a simulated network). */
  protected abstract long openResources() throws IOException;

  /** Returns how far {@link #openResources()} may drift for reasons outside the network (JVM noise). */
  protected long openResourcesTolerance() {
    return 0;
  }

  /** Returns what a peer's read sees after an abort on this network; see {@link AbortOutcome}. */
  protected abstract AbortOutcome abortOutcome();

  /** Checks the exception a peer's read throws after an abort, beyond being an {@link IOException}. */
  protected void assertIsReset(IOException e) {
    assertThat(e.getMessage()).containsIgnoringCase("reset");
  }

  /** Returns a host name this network resolves. */
  protected String resolvableHost() {
    return "localhost";
  }

  /** Returns a host name this network does not resolve. */
  protected String unresolvableHost() {
    return "no-such-host.invalid";
  }

  /** Returns an address where nothing listens: by default one that was listened on and closed. */
  protected SocketAddress refusingAddress() throws IOException {
    try (ListenSocket l = network.listen(listenAddress(), 1, false, false)) {
      return l.localAddress();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Driving the loop
  // ------------------------------------------------------------------------------------------------------------

  @BeforeEach
  void openLoop() {
    loop = newLoop();
    network = loop.network();
  }

  @AfterEach
  void closeEverything() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    loop.close();
  }

  /** A test body that runs as a task and may await. */
  @FunctionalInterface
  protected interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} as a task on the loop until it finishes. */
  protected void run(Body body) {
    loop.runUntilComplete(() -> {
      body.run();
      return null;
    });
  }

  /** Remembers a socket so the test closes it even when it fails. */
  protected <S extends NetSocket> S track(S socket) {
    opened.add(socket);
    return socket;
  }

  /**
   * Waits, inside a task, until {@code socket} is ready for one of {@code ops}, registering it with the loop's
   * poller for the wait only; fails after {@link #WAIT} on the loop's clock.
   */
  protected int awaitReady(NetSocket socket, int ops) throws IOException {
    Future<Integer> ready = loop.createFuture();
    Poller.Registration reg = loop.poller().register(socket.pollable(), ops, readyOps -> {
      if (!ready.isDone()) {
        ready.setResult(readyOps);
      }
    });
    TimerHandle timeout = loop.callLater(WAIT, () -> {
      if (!ready.isDone()) {
        ready.setException(new AssertionError("waited " + WAIT + " for ops " + ops + " on " + socket));
      }
    });
    try {
      return ready.await();
    } finally {
      timeout.cancel();
      reg.cancel();
      yieldToLoop(); // a selector forgets a cancelled key at its next poll; only then may the socket register again
    }
  }

  /** Lets the loop run one iteration (including a poll) before the task goes on. */
  protected void yieldToLoop() {
    Future<Void> next = loop.createFuture();
    loop.callSoon(() -> loop.callSoon(() -> next.setResult(null)));
    next.await();
  }

  /** Connects to {@code remote} and waits until the connect finishes. */
  protected StreamSocket connect(SocketAddress remote) throws IOException {
    StreamSocket s = track(network.connect(remote, null));
    for (int i = 0; !s.finishConnect(); i++) {
      assertThat(i).as("CONNECT readiness that finishConnect does not finish").isLessThan(100);
      awaitReady(s, Poller.CONNECT);
    }
    return s;
  }

  /** Accepts one connection, waiting for it. */
  protected StreamSocket accept(ListenSocket listener) throws IOException {
    for (int i = 0; i < 100; i++) {
      StreamSocket s = listener.accept();
      if (s != null) {
        return track(s);
      }
      awaitReady(listener, Poller.ACCEPT);
    }
    throw new AssertionError("ACCEPT readiness 100 times and still nothing to accept on " + listener);
  }

  protected ListenSocket listen() throws IOException {
    return track(network.listen(listenAddress(), 16, false, false));
  }

  /** A connected pair: client first, the accepted server side second. */
  protected StreamSocket[] connectedPair() throws IOException {
    ListenSocket listener = listen();
    StreamSocket client = connect(listener.localAddress());
    StreamSocket server = accept(listener);
    return new StreamSocket[] {client, server};
  }

  protected void writeAll(StreamSocket s, byte[] data) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(data);
    for (int i = 0; src.hasRemaining(); i++) {
      assertThat(i).as("writes of " + data.length + " bytes").isLessThan(10_000);
      if (s.write(src) == 0) {
        awaitReady(s, Poller.WRITE);
      }
    }
  }

  /** Reads exactly {@code n} bytes, or fewer if EOF comes first. */
  protected byte[] readUpTo(StreamSocket s, int n) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(n);
    for (int i = 0; dst.hasRemaining(); i++) {
      assertThat(i).as("reads of " + n + " bytes").isLessThan(10_000);
      int got = s.read(dst);
      if (got < 0) {
        break;
      }
      if (got == 0) {
        awaitReady(s, Poller.READ);
      }
    }
    return java.util.Arrays.copyOf(dst.array(), dst.position());
  }

  /** Reads until EOF, waiting as needed, and returns what was read. */
  protected String readToEof(StreamSocket s) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer dst = ByteBuffer.allocate(4096);
    for (int i = 0; ; i++) {
      assertThat(i).as("reads before EOF").isLessThan(10_000);
      dst.clear();
      int got = s.read(dst);
      if (got < 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
      if (got == 0) {
        awaitReady(s, Poller.READ);
      }
      out.write(dst.array(), 0, got);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Lets closes settle (a selector releases a closed channel at its next poll), then counts open resources. */
  protected long settledOpenResources() throws IOException {
    for (int i = 0; i < 3; i++) {
      yieldToLoop();
    }
    return openResources();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void theLoopHasTheNetwork() {
    assertThat(network).isNotNull().isSameAs(loop.network());
  }

  // ------------------------------------------------------------------------------------------------------------
  // Streams
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void connectAcceptWriteRead_roundTrip_withEachSideNamingTheOther() {
    run(() -> {
      ListenSocket listener = listen();
      StreamSocket client = connect(listener.localAddress());
      StreamSocket server = accept(listener);

      writeAll(client, bytes("hello"));
      assertThat(string(readUpTo(server, 5))).isEqualTo("hello");
      writeAll(server, bytes("world!"));
      assertThat(string(readUpTo(client, 6))).isEqualTo("world!");

      assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
      assertThat(server.remoteAddress()).isEqualTo(client.localAddress());
      assertThat(server.localAddress()).isEqualTo(listener.localAddress());
      assertThat(client.finishConnect()).as("finishConnect once connected").isTrue();
      assertThat(server.finishConnect()).as("finishConnect on an accepted socket").isTrue();
    });
  }

  @Test
  void connect_remoteAddress_isTheAddressConnectedTo_evenBeforeTheConnectFinishes() {
    run(() -> {
      ListenSocket listener = listen();
      StreamSocket client = track(network.connect(listener.localAddress(), null));

      assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
      assertThat(client.isOpen()).isTrue();
    });
  }

  @Test
  void connect_fromAGivenLocalAddress_isBoundThere() {
    assumeThat(listenAddress()).isInstanceOf(InetSocketAddress.class);
    run(() -> {
      ListenSocket listener = listen();
      ListenSocket placeholder = listen(); // a local address known to be free once closed
      SocketAddress local = placeholder.localAddress();
      placeholder.close();

      StreamSocket client = track(network.connect(listener.localAddress(), local));
      for (int i = 0; i < 100 && !client.finishConnect(); i++) {
        awaitReady(client, Poller.CONNECT);
      }
      StreamSocket server = accept(listener);

      assertThat(client.localAddress()).isEqualTo(local);
      assertThat(server.remoteAddress()).isEqualTo(local);
    });
  }

  @Test
  void read_withNothingThere_returnsZero_andIntoAFullBuffer_returnsZero() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      assertThat(pair[1].read(ByteBuffer.allocate(16))).isZero();

      writeAll(pair[0], bytes("x"));
      awaitReady(pair[1], Poller.READ);
      assertThat(pair[1].read(ByteBuffer.allocate(0))).isZero();
      assertThat(string(readUpTo(pair[1], 1))).isEqualTo("x");
    });
  }

  @Test
  void gatheringWrite_sendsTheBuffersInOrder() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      ByteBuffer[] srcs = {ByteBuffer.wrap(bytes("ab")), ByteBuffer.allocate(0), ByteBuffer.wrap(bytes("cde"))};

      assertThat(pair[0].write(srcs)).isEqualTo(5);
      assertThat(string(readUpTo(pair[1], 5))).isEqualTo("abcde");
    });
  }

  @Test
  void writes_takeLessThanAsked_onceThePeerDoesNotRead_andMoreOnceItReads() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      StreamSocket writer = pair[0];
      StreamSocket reader = pair[1];
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
      long sent = 0;
      boolean shortWrite = false;
      int lastWrite = -1;
      for (int i = 0; i < 256 && lastWrite != 0; i++) { // at most 256 MiB
        fillPattern(chunk, sent);
        lastWrite = writer.write(chunk);
        shortWrite |= chunk.hasRemaining();
        sent += lastWrite;
      }
      assertThat(shortWrite).as("a write took less than asked").isTrue();
      assertThat(lastWrite).as("a write took nothing once the buffers were full").isZero();

      long received = drainAndCheckPattern(reader, sent);
      assertThat(received).isEqualTo(sent);

      awaitReady(writer, Poller.WRITE);
      fillPattern(chunk, sent);
      assertThat(writer.write(chunk)).as("a write once the peer read everything").isPositive();
    });
  }

  @Test
  void shutdownOutput_peerReadsTheDataThenEof_andCanStillWriteBack() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      StreamSocket client = pair[0];
      StreamSocket server = pair[1];

      writeAll(client, bytes("request"));
      client.shutdownOutput();
      client.shutdownOutput(); // idempotent

      assertThat(readToEof(server)).isEqualTo("request");
      assertThat(server.read(ByteBuffer.allocate(8))).as("EOF again").isEqualTo(-1);
      writeAll(server, bytes("reply"));
      server.close();
      assertThat(readToEof(client)).isEqualTo("reply");
      assertThatThrownBy(() -> client.write(ByteBuffer.wrap(bytes("more"))))
          .as("a write after shutdownOutput").isInstanceOf(ClosedChannelException.class);
    });
  }

  @Test
  void close_peerReadsTheDataThenEof() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      writeAll(pair[0], bytes("last words"));
      pair[0].close();

      assertThat(readToEof(pair[1])).isEqualTo("last words");
    });
  }

  @Test
  void abort_peerSeesWhatTheNetworkPins_andTheSocketIsClosed() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      pair[0].abort();

      assertThat(pair[0].isOpen()).isFalse();
      assertThatCode(pair[0]::abort).doesNotThrowAnyException();
      assertThatCode(pair[0]::close).doesNotThrowAnyException();
      awaitReady(pair[1], Poller.READ);
      switch (abortOutcome()) {
        case RESET -> {
          IOException e = org.assertj.core.api.Assertions.catchThrowableOfType(IOException.class,
              () -> pair[1].read(ByteBuffer.allocate(64)));
          assertThat(e).as("the peer's read after an abort").isNotNull();
          assertIsReset(e);
        }
        case EOF -> assertThat(pair[1].read(ByteBuffer.allocate(64))).isEqualTo(-1);
      }
    });
  }

  @Test
  void abort_whileRegisteredWithThePoller_stillResetsThePeer_andInvalidatesTheRegistration() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      Poller.Registration reg = loop.poller().register(pair[0].pollable(), Poller.READ, ops -> {});
      pair[0].abort();

      awaitReady(pair[1], Poller.READ);
      assertThat(reg.isValid()).as("the aborted socket's registration").isFalse();
      switch (abortOutcome()) {
        case RESET -> assertThatThrownBy(() -> pair[1].read(ByteBuffer.allocate(64)))
            .isInstanceOf(IOException.class);
        case EOF -> assertThat(pair[1].read(ByteBuffer.allocate(64))).isEqualTo(-1);
      }
    });
  }

  @Test
  void close_whileRegisteredWithThePoller_stillSendsEofToThePeer() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      Poller.Registration reg = loop.poller().register(pair[0].pollable(), Poller.READ, ops -> {});
      writeAll(pair[0], bytes("bye"));
      pair[0].close();

      assertThat(readToEof(pair[1])).isEqualTo("bye");
      assertThat(reg.isValid()).isFalse();
    });
  }

  @Test
  void nullArguments_throwNullPointer() {
    run(() -> {
      StreamSocket s = connectedPair()[0];
      assertThatThrownBy(() -> s.write((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> s.read(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> network.connect(null, null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> network.resolve(null, 80)).isInstanceOf(NullPointerException.class);
    });
  }

  @Test
  void writes_toAPeerThatClosed_failWithAnIOException_withinAFewAttempts() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      pair[1].close();
      IOException failure = null;
      for (int i = 0; i < 50 && failure == null; i++) {
        try {
          pair[0].write(ByteBuffer.wrap(bytes("anyone?")));
          yieldToLoop();
        } catch (IOException e) {
          failure = e;
        }
      }
      assertThat(failure).as("a write to a closed peer fails").isNotNull()
          .isNotInstanceOf(ClosedChannelException.class);
    });
  }

  @Test
  void connect_whereNothingListens_isRefused_namingTheAddress_andLeavesNothingOpen() {
    run(() -> {
      SocketAddress nobody = refusingAddress();
      long before = settledOpenResources();

      for (int attempt = 0; attempt < 20; attempt++) { // more attempts than the tolerance: one leak each shows
        StreamSocket[] socket = new StreamSocket[1];
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> {
          socket[0] = network.connect(nobody, null);
          for (int i = 0; i < 100 && !socket[0].finishConnect(); i++) {
            awaitReady(socket[0], Poller.CONNECT);
          }
        });

        assertThat(refused).isInstanceOf(ConnectException.class).hasMessageContaining(nobody.toString());
        if (socket[0] != null) {
          assertThat(socket[0].isOpen()).as("the refused socket").isFalse();
        }
      }
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
    });
  }

  @Test
  void connect_toAnUnresolvedAddress_throwsIllegalArgument_namingIt() {
    assertThatThrownBy(() -> network.connect(InetSocketAddress.createUnresolved("unresolved.example", 80), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unresolved.example");
  }

  @Test
  void operationsAfterClose_throwClosedChannel_andCloseIsIdempotent() {
    run(() -> {
      StreamSocket[] pair = connectedPair();
      StreamSocket s = pair[0];
      Poller.Pollable pollable = s.pollable();
      s.close();
      s.close();

      assertThat(s.pollable()).as("the pollable, the same object before and after close").isSameAs(pollable);

      assertThat(s.isOpen()).isFalse();
      assertThatThrownBy(() -> s.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> s.write(ByteBuffer.wrap(bytes("x")))).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(s::shutdownOutput).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(s::localAddress).isInstanceOf(ClosedChannelException.class);
      assertThatCode(s::abort).doesNotThrowAnyException();
    });
  }

  @Test
  void manyConnectCloseCycles_leaveNothingOpen() {
    run(() -> {
      ListenSocket listener = listen();
      SocketAddress address = listener.localAddress();
      long before = settledOpenResources();

      for (int i = 0; i < 1_000; i++) {
        StreamSocket client = connect(address);
        StreamSocket server = accept(listener);
        client.close();
        server.close();
        opened.remove(client);
        opened.remove(server);
      }

      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Listening
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void accept_withNothingPending_returnsNull() {
    run(() -> assertThat(listen().accept()).isNull());
  }

  @Test
  void listen_onAnAddressInUse_throwsBindException_namingIt_andLeavesNothingOpen() {
    run(() -> {
      SocketAddress taken = listen().localAddress();
      long before = settledOpenResources();

      for (int attempt = 0; attempt < 20; attempt++) { // more attempts than the tolerance: one leak each shows
        assertThatThrownBy(() -> track(network.listen(taken, 16, false, false)))
            .isInstanceOf(BindException.class)
            .hasMessageContaining(taken.toString());
      }
      assertThat(settledOpenResources()).isBetween(before - openResourcesTolerance(),
          before + openResourcesTolerance());
    });
  }

  @Test
  void listen_withABacklogBelowOne_throwsIllegalArgument_namingIt() {
    assertThatThrownBy(() -> network.listen(listenAddress(), 0, false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backlog must be >= 1, got 0");
  }

  @Test
  void closedListener_throwsClosedChannel_andCloseIsIdempotent() {
    run(() -> {
      ListenSocket listener = listen();
      listener.close();
      listener.close();

      assertThat(listener.isOpen()).isFalse();
      assertThatThrownBy(listener::accept).isInstanceOf(ClosedChannelException.class);
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Options
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void option_bufferSizes_canBeSetAndRead() {
    run(() -> {
      StreamSocket s = connectedPair()[0];
      s.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
      s.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);

      assertThat(s.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
      assertThat(s.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
    });
  }

  @Test
  void option_inetStreamOptions_canBeSetAndRead() {
    assumeThat(listenAddress()).isInstanceOf(InetSocketAddress.class);
    run(() -> {
      StreamSocket s = connectedPair()[0];
      s.setOption(StandardSocketOptions.TCP_NODELAY, true);
      s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);

      assertThat(s.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
      assertThat(s.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
      s.setOption(StandardSocketOptions.TCP_NODELAY, false);
      assertThat(s.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
    });
  }

  @Test
  void option_theSocketDoesNotHave_throwsUnsupported_namingIt() {
    run(() -> {
      StreamSocket s = connectedPair()[0];
      assertThatThrownBy(() -> s.getOption(StandardSocketOptions.IP_MULTICAST_TTL))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("IP_MULTICAST_TTL");
    });
  }

  @Test
  void option_listenReuseAddress_isSetAsAsked() {
    assumeThat(listenAddress()).isInstanceOf(InetSocketAddress.class);
    run(() -> {
      ListenSocket reusing = track(network.listen(listenAddress(), 4, true, false));
      ListenSocket plain = track(network.listen(listenAddress(), 4, false, false));

      assertThat(reusing.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
      assertThat(plain.getOption(StandardSocketOptions.SO_REUSEADDR)).isFalse();
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Datagrams
  // ------------------------------------------------------------------------------------------------------------

  /** Skips a datagram test on a network without datagrams at its addresses. */
  void assumeDatagrams() {
    assumeThat(datagramAddress()).as("this network's datagram address").isNotNull();
  }

  DatagramSocket open(SocketAddress remote) throws IOException {
    return track(network.openDatagram(datagramAddress(), remote, false));
  }

  SocketAddress receive(DatagramSocket s, ByteBuffer dst) throws IOException {
    for (int i = 0; i < 100; i++) {
      SocketAddress from = s.receive(dst);
      if (from != null) {
        dst.flip();
        return from;
      }
      awaitReady(s, Poller.READ);
    }
    throw new AssertionError("READ readiness 100 times and no datagram on " + s);
  }

  static String text(ByteBuffer b) {
    return StandardCharsets.UTF_8.decode(b).toString();
  }

  @Test
  void datagram_sendAndReceive_carryTheSendersAddress() {
    assumeDatagrams();
    run(() -> {
      DatagramSocket a = open(null);
      DatagramSocket b = open(null);

      assertThat(a.send(ByteBuffer.wrap(bytes("ping")), b.localAddress())).isEqualTo(4);
      ByteBuffer got = ByteBuffer.allocate(100);
      assertThat(receive(b, got)).isEqualTo(a.localAddress());
      assertThat(text(got)).isEqualTo("ping");

      assertThat(b.send(ByteBuffer.wrap(bytes("pong")), a.localAddress())).isEqualTo(4);
      got.clear();
      assertThat(receive(a, got)).isEqualTo(b.localAddress());
      assertThat(text(got)).isEqualTo("pong");
      assertThat(a.remoteAddress()).isNull();
    });
  }

  @Test
  void datagram_receiveWithNothingThere_returnsNull() {
    assumeDatagrams();
    run(() -> assertThat(open(null).receive(ByteBuffer.allocate(10))).isNull());
  }

  @Test
  void datagram_connectedSocket_sendsToItsPeerWithoutATarget_andRefusesAnotherTarget() {
    assumeDatagrams();
    run(() -> {
      DatagramSocket server = open(null);
      DatagramSocket other = open(null);
      DatagramSocket client = track(network.openDatagram(null, server.localAddress(), false));

      assertThat(client.remoteAddress()).isEqualTo(server.localAddress());
      assertThat(client.send(ByteBuffer.wrap(bytes("hi")), null)).isEqualTo(2);
      ByteBuffer got = ByteBuffer.allocate(10);
      SocketAddress from = receive(server, got);
      assertThat(text(got)).isEqualTo("hi");
      assertThat(from).isEqualTo(client.localAddress());
      assertThatThrownBy(() -> client.send(ByteBuffer.wrap(bytes("x")), other.localAddress()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(other.localAddress().toString());
    });
  }

  @Test
  void datagram_unconnectedSocket_withoutATarget_throwsIllegalArgument() {
    assumeDatagrams();
    run(() -> assertThatThrownBy(() -> open(null).send(ByteBuffer.wrap(bytes("x")), null))
        .isInstanceOf(IllegalArgumentException.class));
  }

  @Test
  void datagram_largest_arrivesWhole_oneByteMore_throwsNamingBothSizes_andSendsNothing() {
    assumeDatagrams();
    run(() -> {
      DatagramSocket a = open(null);
      DatagramSocket b = open(null);
      int max = a.maxDatagramSize();
      assertThat(max).isPositive();

      assertThatThrownBy(() -> a.send(ByteBuffer.allocate(max + 1), b.localAddress()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(String.valueOf(max + 1))
          .hasMessageContaining(String.valueOf(max));
      assertThat(a.send(ByteBuffer.allocate(max), b.localAddress())).isEqualTo(max);

      ByteBuffer got = ByteBuffer.allocate(max + 100);
      receive(b, got);
      assertThat(got.remaining()).as("the first datagram to arrive is the largest, whole").isEqualTo(max);
      assertThat(b.receive(ByteBuffer.allocate(10))).as("nothing else was sent").isNull();
    });
  }

  @Test
  void datagram_largerThanTheBuffer_isTruncated_andTheRestDiscarded() {
    assumeDatagrams();
    run(() -> {
      DatagramSocket a = open(null);
      DatagramSocket b = open(null);
      a.send(ByteBuffer.wrap(bytes("0123456789")), b.localAddress());
      a.send(ByteBuffer.wrap(bytes("next")), b.localAddress());

      ByteBuffer small = ByteBuffer.allocate(4);
      receive(b, small);
      assertThat(text(small)).isEqualTo("0123");
      ByteBuffer got = ByteBuffer.allocate(100);
      receive(b, got);
      assertThat(text(got)).isEqualTo("next");
    });
  }

  @Test
  void datagram_withNeitherAddress_throwsIllegalArgument() {
    assertThatThrownBy(() -> network.openDatagram(null, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither");
  }

  @Test
  void datagram_broadcast_isSetAsAsked_andCloseIsIdempotent() {
    assumeDatagrams();
    run(() -> {
      DatagramSocket s = track(network.openDatagram(datagramAddress(), null, true));
      assertThat(s.getOption(StandardSocketOptions.SO_BROADCAST)).isTrue();
      s.close();
      s.close();
      assertThat(s.isOpen()).isFalse();
      assertThatThrownBy(() -> s.send(ByteBuffer.wrap(bytes("x")), datagramAddress()))
          .isInstanceOf(ClosedChannelException.class);
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Resolution
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void resolve_aResolvableHost_givesDistinctResolvedAddresses_withThePort() throws UnknownHostException {
    List<InetSocketAddress> found = network.resolve(resolvableHost(), 8080);

    assertThat(found).isNotEmpty().doesNotHaveDuplicates()
        .allSatisfy(a -> {
          assertThat(a.isUnresolved()).isFalse();
          assertThat(a.getPort()).isEqualTo(8080);
        });
  }

  @Test
  void resolve_aLiteralAddress_givesItself() throws UnknownHostException {
    assertThat(network.resolve("127.0.0.1", 80)).containsExactly(new InetSocketAddress("127.0.0.1", 80));
  }

  @Test
  void resolve_anUnresolvableHost_throwsUnknownHost_namingIt() {
    assertThatThrownBy(() -> network.resolve(unresolvableHost(), 80))
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining(unresolvableHost());
  }

  @Test
  void resolve_aPortOutOfRange_throwsIllegalArgument_namingIt() {
    assertThatThrownBy(() -> network.resolve(resolvableHost(), 70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in 0-65535, got 70000");
    assertThatThrownBy(() -> network.resolve(resolvableHost(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in 0-65535, got -1");
  }

  @Test
  void resolve_anEmptyHost_throwsIllegalArgument() {
    assertThatThrownBy(() -> network.resolve("", 80)).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------------------------------------------------

  /** Fills {@code chunk} with the stream's pattern from {@code offset}: byte k of the stream is k mod 251. */
  static void fillPattern(ByteBuffer chunk, long offset) {
    chunk.clear();
    for (int i = 0; i < chunk.capacity(); i++) {
      chunk.put((byte) ((offset + i) % 251));
    }
    chunk.flip();
  }

  /** Reads {@code expected} bytes, checking each against the pattern; returns how many were read. */
  long drainAndCheckPattern(StreamSocket reader, long expected) throws IOException {
    ByteBuffer dst = ByteBuffer.allocateDirect(1 << 20);
    long received = 0;
    for (int i = 0; received < expected; i++) {
      assertThat(i).as("reads of " + expected + " bytes").isLessThan(100_000);
      dst.clear();
      int got = reader.read(dst);
      assertThat(got).as("EOF before all was read").isNotNegative();
      if (got == 0) {
        awaitReady(reader, Poller.READ);
        continue;
      }
      dst.flip();
      for (int k = 0; k < got; k++) {
        if (dst.get(k) != (byte) ((received + k) % 251)) {
          throw new AssertionError("byte " + (received + k) + " of the stream is wrong");
        }
      }
      received += got;
    }
    return received;
  }
}
