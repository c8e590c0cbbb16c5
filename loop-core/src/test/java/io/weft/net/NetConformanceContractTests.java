package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input, faults and CPython's stream and server tests over a connection, on every network: the gaps the
 * {@link TransportContractTests} and {@link StreamContractTests} leave, with exact socket counts (no tolerance).
 *
 * <p>Ports name the CPython test ({@code test_streams.py}, {@code test_server.py}) they come from. Subclasses make
 * the loop and count the sockets the network holds open; every test runs as a task on that loop, ends with no more
 * sockets open than it started with, and with nothing reported to the exception handler unless it says so.
 *
 * <p>Long (as {@link TransportContractTests} is) because one suite per network is what keeps NIO and the simulated
 * network to one contract; banner comments split it by the CPython file each group comes from.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class NetConformanceContractTests {

  /** How long, on the loop's clock, any one wait may take before the test fails. */
  protected static final Duration WAIT = Duration.ofSeconds(5);

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  private final List<Server> servers = new ArrayList<>();
  private final List<StreamWriter> writers = new ArrayList<>();

  /** Creates a fresh loop whose network is the one under test. */
  protected abstract EventLoop newLoop();

  /** Counts the sockets the network holds open, exactly. */
  protected abstract long openSockets() throws IOException;

  /** The host to listen on and connect to. */
  protected String host() {
    return "127.0.0.1";
  }

  /** A host name the network does not resolve. */
  protected String unresolvableHost() {
    return "no-such-host.invalid";
  }

  /** Checks the error a peer gets after this side aborted (a reset on TCP). */
  protected void assertIsReset(Throwable cause) {
    assertThat(cause).isInstanceOf(IOException.class);
    assertThat(cause.getMessage()).containsIgnoringCase("reset");
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

  /**
   * Runs {@code body} as a task; then closes the servers and aborts the connections it left open, and checks that
   * exactly as many sockets are open as before it.
   */
  protected void run(Body body) {
    loop.runUntilComplete(() -> {
      long before = settledOpenSockets();
      try {
        body.run();
      } finally {
        for (Server s : servers) {
          s.close();
          s.abortClients();
        }
        writers.forEach(w -> w.transport().abort());
      }
      assertThat(settledOpenSockets()).as("sockets open after the test").isEqualTo(before);
      return null;
    });
  }

  /** Lets closes settle (a selector forgets a closed channel at its next poll), then counts the open sockets. */
  protected long settledOpenSockets() throws IOException {
    for (int i = 0; i < 5; i++) {
      Weft.sleep(Duration.ZERO);
    }
    return openSockets();
  }

  protected Recorder recorder() {
    return new Recorder(loop, WAIT);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static int port(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /** A stream server the test's end closes (aborting its clients). */
  protected Server startServer(Streams.ClientHandler handler) throws IOException {
    Server s = Streams.startServer(handler, host(), 0);
    servers.add(s);
    return s;
  }

  /** A stream connection the test's end aborts if it is still open. */
  protected Streams.Pair open(Server server) throws IOException {
    Streams.Pair p = Streams.openConnection(host(), port(server));
    writers.add(p.writer());
    return p;
  }

  /** Waits, in a task, until {@code reader} holds {@code n} bytes unread. */
  static void awaitBuffered(StreamReader reader, int n) {
    for (int i = 0; !reader.toString().startsWith("<StreamReader " + n + " bytes"); i++) {
      assertThat(i).as("1 ms steps waiting for %d bytes in %s", n, reader).isLessThan(5_000);
      Weft.sleep(Duration.ofMillis(1));
    }
  }

  /** Closes {@code writer} and waits, at most {@link #WAIT}, until its connection is lost. */
  static void closeAndWait(StreamWriter writer) {
    writer.close();
    Weft.waitFor(Weft.createTask(() -> {
      writer.waitClosed();
      return null;
    }), WAIT);
  }

  /** Lets every ready callback and task run a few times. */
  static void settle() {
    for (int i = 0; i < 5; i++) {
      Weft.sleep(Duration.ZERO);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Bad input: a clear error naming the value, before anything is opened
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void anUnresolvableHost_raisesUnknownHostNamingIt_forEveryEntryPoint_andOpensNothing() {
    run(() -> {
      long before = openSockets();
      String bad = unresolvableHost();
      assertThatThrownBy(() -> Streams.openConnection(bad, 80)).isInstanceOf(UnknownHostException.class)
          .hasMessageContaining(bad);
      assertThatThrownBy(() -> Streams.startServer((r, w) -> {}, bad, 0)).isInstanceOf(UnknownHostException.class)
          .hasMessageContaining(bad);
      assertThatThrownBy(() -> Net.createServer(this::recorder, List.of(host(), bad), 0, 8, true, false, true))
          .as("a bad host after a good one: the good one is not left listening")
          .isInstanceOf(UnknownHostException.class).hasMessageContaining(bad);
      assertThatThrownBy(() -> Net.createDatagramEndpoint(DatagramContractTests.Endpoint::new, bad, 0, null, 0,
          false)).isInstanceOf(UnknownHostException.class).hasMessageContaining(bad);
      assertThatThrownBy(() -> Net.createDatagramEndpoint(DatagramContractTests.Endpoint::new, null, 0, bad, 9,
          false)).isInstanceOf(UnknownHostException.class).hasMessageContaining(bad);
      assertThat(settledOpenSockets()).isEqualTo(before);
    });
  }

  @Test
  void aPortOutsideTheRange_isIllegalArgumentNamingIt_forTheStreamEntryPoints_andOpensNothing() {
    run(() -> {
      long before = openSockets();
      assertThatThrownBy(() -> Streams.openConnection(host(), 65536)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("65536").hasMessageContaining("0-65535");
      assertThatThrownBy(() -> Streams.openConnection(host(), -1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> Streams.startServer((r, w) -> {}, host(), 70_000))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), Integer.MIN_VALUE))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Integer.MIN_VALUE));
      assertThat(openSockets()).isEqualTo(before);
    });
  }

  @Test
  void aRefusedConnect_leavesExactlyNoSocketOpen_onTheProtocolAndTheStreamPaths() {
    run(() -> {
      Server probe = Net.createServer(this::recorder, host(), 0);
      int port = port(probe);
      probe.close();
      long before = settledOpenSockets();
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), port))
            .isInstanceOf(ConnectException.class).hasMessageContaining(String.valueOf(port));
        assertThatThrownBy(() -> Streams.openConnection(host(), port))
            .isInstanceOf(ConnectException.class).hasMessageContaining(String.valueOf(port));
      }
      assertThat(settledOpenSockets()).as("sockets open after 40 refused connects").isEqualTo(before);
    });
  }

  @Test
  void aStreamWriter_writeOfNull_isANullPointerExceptionNamingIt_andTheStreamStaysIntact() {
    run(() -> {
      Server server = startServer((reader, writer) -> {
        writer.write(reader.read(-1));
        writer.close();
      });
      Streams.Pair c = open(server);
      c.writer().write(bytes("a"));
      assertThatThrownBy(() -> c.writer().write((byte[]) null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("data");
      assertThatThrownBy(() -> c.writer().write((ByteBuffer) null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("data");
      assertThatThrownBy(() -> c.writer().writeLines(null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("lines");
      assertThatThrownBy(() -> c.writer().writeLines(Arrays.asList(bytes("lost"), null)))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("lines[1]");
      c.writer().writeLines(List.of(bytes("b"), bytes("c")));
      c.writer().writeEof();
      assertThat(str(c.reader().read(-1))).as("what came back: nothing of the rejected writes").isEqualTo("abc");
      closeAndWait(c.writer());
    });
  }

  @Test
  void aStreamWriter_writeAfterWriteEof_isIllegalState_andWhatWasWrittenArrives() {
    run(() -> {
      Future<String> got = loop.createFuture();
      Server server = startServer((reader, writer) -> {
        got.setResult(str(reader.read(-1)));
        writer.close();
      });
      Streams.Pair c = open(server);
      c.writer().write(bytes("before"));
      c.writer().writeEof();
      assertThatThrownBy(() -> c.writer().write(bytes("after"))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("writeEof");
      assertThat(Weft.waitFor(got, WAIT)).isEqualTo("before");
      assertThat(c.reader().read(-1)).as("EOF from the server's close").isEmpty();
      closeAndWait(c.writer());
    });
  }

  @Test
  void afterThePeersEof_thisSide_canStillWrite_andThePeerReadsIt() {
    // asyncio's StreamReaderProtocol keeps a half-closed connection open: EOF received is not "closed"
    run(() -> {
      Future<String> got = loop.createFuture();
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("question?"));
        writer.writeEof();
        got.setResult(str(reader.read(-1)));
        writer.close();
      });
      Streams.Pair c = open(server);
      assertThat(str(c.reader().read(-1))).isEqualTo("question?");
      assertThat(c.reader().atEof()).isTrue();
      assertThat(c.writer().isClosing()).as("still open after EOF from the peer").isFalse();
      c.writer().write(bytes("answer"));
      c.writer().drain();
      c.writer().close();
      assertThat(Weft.waitFor(got, WAIT)).isEqualTo("answer");
      c.writer().waitClosed();
    });
  }

  @Test
  void aWriteAndDrainAfterClose_raiseConnectionLost() { // test_async_writer_api_exception_after_close
    run(() -> {
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("HTTP/1.0 200 OK\r\n\r\nTest message"));
        writer.close();
      });
      Streams.Pair c = open(server);
      assertThat(str(c.reader().readLine())).isEqualTo("HTTP/1.0 200 OK\r\n");
      assertThat(str(c.reader().read(-1))).isEqualTo("\r\nTest message");
      assertThat(c.writer().isClosing()).isFalse();
      c.writer().close();
      assertThat(c.writer().isClosing()).isTrue();
      c.writer().write(bytes("data"));
      assertThatThrownBy(() -> c.writer().drain()).isInstanceOf(java.net.SocketException.class)
          .hasMessageContaining("Connection lost");
      c.writer().waitClosed();
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void closeWithUnreadData_thenWaitClosed_returns() { // test_wait_closed_on_close_with_unread_data
    run(() -> {
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("HTTP/1.0 200 OK\r\n\r\nTest message"));
        writer.close();
      });
      Streams.Pair c = open(server);
      c.writer().write(bytes("GET / HTTP/1.0\r\n\r\n"));
      assertThat(str(c.reader().readLine())).isEqualTo("HTTP/1.0 200 OK\r\n");
      c.writer().close();
      Weft.waitFor(Weft.createTask(() -> {
        c.writer().waitClosed();
        return null;
      }), WAIT);
      assertThat(c.writer().isClosing()).isTrue();
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void closingTheWriter_feedsEofToTheReader() { // test_eof_feed_when_closing_writer
    run(() -> {
      Server server = startServer((reader, writer) -> {
        reader.read(-1);
        writer.close();
      });
      Streams.Pair c = open(server);
      closeAndWait(c.writer());
      assertThat(c.reader().atEof()).isTrue();
      assertThat(c.reader().read(-1)).isEmpty();
      assertThat(handled).isEmpty();
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // The reader's bad input over a connection: refused, and nothing that arrived is lost
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void readExactlyNegative_andAnEmptySeparator_overAConnection_areRefusedNamingThem_andLoseNothing() {
    run(() -> {
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("one\ntwo\n"));
        writer.close();
      });
      Streams.Pair c = open(server);
      awaitBuffered(c.reader(), 8);
      assertThatThrownBy(() -> c.reader().readExactly(-1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> c.reader().readUntil(new byte[0])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator");
      assertThatThrownBy(() -> c.reader().readUntil(List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator");
      assertThat(str(c.reader().readLine())).isEqualTo("one\n");
      assertThat(str(c.reader().readExactly(4))).isEqualTo("two\n");
      assertThat(c.reader().read(-1)).isEmpty();
      c.writer().close();
    });
  }

  @Test
  void aLineOverTheLimit_overAConnection_raisesNamingIt_dropsThatLine_andTheNextLineArrivesWhole() {
    run(() -> {
      int longLine = StreamReader.DEFAULT_LIMIT + 1000;
      Server server = startServer((reader, writer) -> {
        byte[] line = new byte[longLine + 1];
        Arrays.fill(line, (byte) 'x');
        line[longLine] = '\n';
        writer.write(line);
        writer.write(bytes("next\n"));
        writer.close();
      });
      Streams.Pair c = open(server);
      awaitBuffered(c.reader(), longLine + 1 + 5);
      assertThatThrownBy(() -> c.reader().readLine()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than limit");
      assertThat(str(c.reader().readLine())).isEqualTo("next\n");
      assertThat(c.reader().readLine()).isEmpty();
      c.writer().close();
    });
  }

  @Test
  void aPeerThatResetsWhileReadLineAndReadUntilWait_raisesTheReset_thenEveryLaterRead() {
    run(() -> {
      Future<Void> reset = loop.createFuture();
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("partial line"));
        writer.drain();
        reset.await();
        writer.transport().abort();
      });
      Streams.Pair c = open(server);
      Task<byte[]> reading = Weft.createTask(c.reader()::readLine);
      awaitBuffered(c.reader(), 12);
      reset.setResult(null);
      Throwable e = catchThrowable(() -> Weft.waitFor(reading, WAIT));
      assertIsReset(e);
      assertThatThrownBy(() -> c.reader().readUntil(bytes("!"))).isSameAs(e);
      assertThatThrownBy(() -> c.reader().read(-1)).isSameAs(e);
      assertThatThrownBy(() -> c.writer().waitClosed()).as("wait_closed raises the reset too").isSameAs(e);
      assertThat(handled).as("a reset is the connection's fate, not a bug to report").isEmpty();
    });
  }

  @Test
  void writingUntilDrainRaises_toAPeerThatClosedWithoutReading_endsWithAnError() { // test_drain_raises
    run(() -> {
      Future<Void> closed = loop.createFuture();
      Server server = Net.createServer(() -> new Recorder(loop, WAIT) {
        @Override
        public void dataReceived(byte[] data) {
          super.dataReceived(data);
          if (!transport.isClosing()) {
            transport.abort(); // closing with unread data: a reset, as CPython's socket.close() in the test
            closed.setResult(null);
          }
        }
      }, host(), 0);
      servers.add(server);
      Streams.Pair c = open(server);
      Throwable e = catchThrowable(() -> {
        for (int i = 0; i < 100_000; i++) {
          c.writer().write(bytes("foo\n"));
          c.writer().drain();
          if (i % 100 == 0) {
            Weft.sleep(Duration.ofMillis(1));
          }
        }
      });
      assertThat(closed.isDone()).isTrue();
      assertThat(e).as("the writer's loop ended with an error, not by running out").isInstanceOf(IOException.class);
      assertThat(catchThrowable(() -> c.writer().waitClosed())).as("wait_closed raises what the connection was lost with")
          .isSameAs(c.reader().exception());
      assertThat(handled).isEmpty();
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // start_server's handler (test_streams.py), and wait_closed (test_server.py)
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void aHandlerThatThrows_isReportedAsUnhandledInClientConnectedCb_andItsConnectionIsClosed() {
    // test_unhandled_exception
    run(() -> {
      IllegalStateException boom = new IllegalStateException("test");
      Server server = startServer((reader, writer) -> {
        reader.readExactly(8);
        throw boom;
      });
      Streams.Pair c = open(server);
      c.writer().write(bytes("test msg"));
      c.writer().drain();
      assertThat(Weft.waitFor(Weft.createTask(() -> c.reader().read(-1)), WAIT)).as("EOF: the server closed")
          .isEmpty();
      closeAndWait(c.writer());
      server.close();
      Weft.waitFor(Weft.createTask(() -> {
        server.waitClosed();
        return null;
      }), WAIT);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).message()).isEqualTo("Unhandled exception in client_connected_cb");
      assertThat(handled.get(0).exception()).isSameAs(boom);
      assertThat(handled.get(0).extras()).containsKey("transport");
      handled.clear();
    });
  }

  @Test
  void aHandlerThatIsCancelled_closesItsConnection_andReportsNothing() { // test_unhandled_cancel
    run(() -> {
      Server server = startServer((reader, writer) -> {
        Weft.currentTask().cancel();
        Weft.sleep(Duration.ZERO);
      });
      Streams.Pair c = open(server);
      assertThat(Weft.waitFor(Weft.createTask(() -> c.reader().read(-1)), WAIT)).as("EOF: the server closed")
          .isEmpty();
      closeAndWait(c.writer());
      settle();
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void waitClosed_waitsUntilTheServerIsClosed_andItsLastConnectionIsLost() { // test_wait_closed_basic
    run(() -> {
      Server server = startServer((reader, writer) -> {
        try {
          reader.read(-1);
        } finally {
          writer.close();
          writer.waitClosed();
        }
      });
      Task<Void> first = Weft.createTask(() -> {
        server.waitClosed();
        return null;
      });
      settle();
      assertThat(first.isDone()).as("no connection, not closed").isFalse();

      Streams.Pair c = open(server);
      settle();
      Task<Void> second = Weft.createTask(() -> {
        server.waitClosed();
        return null;
      });
      settle();
      assertThat(List.of(first, second)).as("a connection, not closed").noneMatch(Future::isDone);

      server.close();
      settle();
      Task<Void> third = Weft.createTask(() -> {
        server.waitClosed();
        return null;
      });
      settle();
      assertThat(List.of(first, second, third)).as("a connection, closed").noneMatch(Future::isDone);

      closeAndWait(c.writer());
      for (Task<Void> t : List.of(first, second, third)) {
        Weft.waitFor(t, WAIT);
      }
      server.waitClosed(); // at once
    });
  }

  @Test
  void waitClosed_whenCloseAndTheLastClientsCloseComeInTheSameTurn_returns() { // test_wait_closed_race
    run(() -> {
      Server server = startServer((reader, writer) -> {
        try {
          reader.read(-1);
        } finally {
          writer.close();
          writer.waitClosed();
        }
      });
      Task<Void> waiting = Weft.createTask(() -> {
        server.waitClosed();
        return null;
      });
      settle();
      assertThat(waiting.isDone()).isFalse();
      Streams.Pair c = open(server);
      loop.callSoon(server::close);
      loop.callSoon(c.writer()::close);
      Weft.waitFor(waiting, WAIT);
    });
  }

  @Test
  void aServerClosedWithStreamClientsConnected_keepsThem_untilCloseClients_thenTheirHandlersSeeEof() {
    run(() -> {
      List<String> seen = new ArrayList<>();
      Server server = startServer((reader, writer) -> {
        writer.write(bytes("hi\n"));
        for (byte[] line = reader.readLine(); ; line = reader.readLine()) {
          seen.add(str(line));
          if (line.length == 0) {
            break;
          }
        }
      });
      Streams.Pair a = open(server);
      Streams.Pair b = open(server);
      assertThat(str(a.reader().readLine())).isEqualTo("hi\n");
      assertThat(str(b.reader().readLine())).isEqualTo("hi\n");
      int port = port(server);
      server.close();
      assertThatThrownBy(() -> Streams.openConnection(host(), port)).isInstanceOf(ConnectException.class);
      a.writer().write(bytes("still\n"));
      a.writer().drain();
      for (int i = 0; !seen.contains("still\n"); i++) {
        assertThat(i).as("1 ms steps waiting for the handler to read").isLessThan(5_000);
        Weft.sleep(Duration.ofMillis(1));
      }
      server.closeClients();
      assertThat(a.reader().read(-1)).as("EOF from the server's close").isEmpty();
      assertThat(b.reader().read(-1)).isEmpty();
      closeAndWait(a.writer());
      closeAndWait(b.writer());
      Weft.waitFor(Weft.createTask(() -> {
        server.waitClosed();
        return null;
      }), WAIT);
      settle();
      assertThat(seen).containsExactlyInAnyOrder("still\n", "", "");
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Cycles
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void tenThousandStreamConnectCloseCycles_leaveNoSocketAndNoHandlerTaskBehind() {
    run(() -> {
      int[] served = new int[1];
      Server server = startServer((reader, writer) -> {
        reader.read(-1);
        writer.close();
        writer.waitClosed();
        served[0]++;
      });
      long before = settledOpenSockets();
      int cycles = 10_000;
      for (int i = 0; i < cycles; i++) {
        Streams.Pair c = Streams.openConnection(host(), port(server));
        c.writer().close();
        c.writer().waitClosed();
      }
      for (int i = 0; served[0] < cycles; i++) {
        assertThat(i).as("1 ms steps waiting for the handlers, %d of %d done", served[0], cycles).isLessThan(5_000);
        Weft.sleep(Duration.ofMillis(1));
      }
      settle();
      assertThat(settledOpenSockets()).isEqualTo(before);
      assertThat(loop.allTasks()).as("tasks left: only the test's own").hasSize(1);
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // test_selector_events.py (SelectorSocketTransportTests and its BufferedProtocol twin), test_base_events.py and
  // test_events.py: what they check that the contract suites do not
  // ------------------------------------------------------------------------------------------------------------

  /** A server whose protocols are collected in {@code accepted}; paused from the start if {@code paused}. */
  private Server recordingServer(List<Recorder> accepted, boolean paused) throws IOException {
    Server s = Net.createServer(() -> {
      Recorder r = recorder();
      r.pauseReadingAtStart = paused;
      accepted.add(r);
      return r;
    }, host(), 0);
    servers.add(s);
    return s;
  }

  private static Recorder awaitAccepted(List<Recorder> accepted) {
    for (int i = 0; accepted.isEmpty(); i++) {
      assertThat(i).as("1 ms steps waiting for the connection").isLessThan(5_000);
      Weft.sleep(Duration.ofMillis(1));
    }
    Recorder r = accepted.get(0);
    r.awaitMade();
    return r;
  }

  @Test
  void writingAByteBufferSlice_sendsOnlyItsRemainingBytes_andMovesItsPositionToItsLimit() { // test_write_memoryview
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = recordingServer(accepted, false);
      Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server));
      ByteBuffer slice = ByteBuffer.wrap(bytes("..middle..")).position(2).limit(8);
      c.transport().write(slice);
      assertThat(slice.position()).isEqualTo(8);
      c.transport().writeEof();
      Recorder peer = awaitAccepted(accepted);
      peer.awaitEof();
      assertThat(peer.received.toString(StandardCharsets.UTF_8)).isEqualTo("middle");
      c.transport().close();
      c.protocol().awaitLost();
    });
  }

  @Test
  void writeEof_withDataBuffered_shutsDownOnlyAfterTheFlush_andWriteEofAfterClose_isANoOp() {
    // test_write_eof_buffer, test_write_eof_after_close
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = recordingServer(accepted, true);
      Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server));
      Transport t = c.transport();
      Recorder peer = awaitAccepted(accepted);
      long written = 0;
      for (int i = 0; t.getWriteBufferSize() == 0; i++) {
        assertThat(i).as("64 KiB writes before something stays buffered").isLessThan(2_000);
        t.write(new byte[64 * 1024]);
        written += 64 * 1024;
      }
      t.writeEof();
      settle();
      assertThat(peer.eof.isDone()).as("EOF before the buffer was flushed").isFalse();
      peer.transport.resumeReading();
      peer.awaitEof();
      assertThat(peer.received.size()).as("every byte before the EOF").isEqualTo(written);
      t.close();
      t.writeEof(); // after close: nothing, no error
      assertThat(c.protocol().awaitLost()).isNull();
    });
  }

  @Test
  void createConnection_withALocalAddress_bindsThere_andOneInUse_failsAndLeavesNothingOpen() {
    // test_create_connection_local_addr, test_create_connection_local_addr_in_use
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = recordingServer(accepted, false);
      Server probe = Net.createServer(this::recorder, host(), 0);
      int free = port(probe);
      probe.close();
      settle();
      Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server),
          new InetSocketAddress(host(), free), null);
      assertThat(((InetSocketAddress) c.transport().getExtraInfo("sockname")).getPort()).isEqualTo(free);
      assertThat(((InetSocketAddress) awaitAccepted(accepted).transport.getExtraInfo("peername")).getPort())
          .isEqualTo(free);

      long before = settledOpenSockets();
      InetSocketAddress inUse = (InetSocketAddress) server.sockets().get(0).localAddress();
      assertThatThrownBy(() -> Net.createConnection(this::recorder, host(), port(server), inUse, null))
          .isInstanceOf(java.net.BindException.class);
      assertThat(settledOpenSockets()).isEqualTo(before);
      c.transport().close();
      c.protocol().awaitLost();
    });
  }

  @Test
  void createServer_onAPortInUse_raisesBindException_andLeavesNothingOpen() {
    // test_create_server_cant_bind, test_events.py test_create_server_addr_in_use
    run(() -> {
      Server first = recordingServer(new ArrayList<>(), false);
      long before = settledOpenSockets();
      assertThatThrownBy(() -> Net.createServer(this::recorder, host(), port(first)))
          .isInstanceOf(java.net.BindException.class);
      assertThatThrownBy(() -> Streams.startServer((r, w) -> {}, host(), port(first)))
          .isInstanceOf(java.net.BindException.class);
      assertThat(settledOpenSockets()).isEqualTo(before);
    });
  }

  @Test
  void streamsOverIpv6Loopback_roundTrip_withIpv6Addresses() { // test_create_server_ipv6, test_create_connection
    run(() -> {
      Server server = Streams.startServer((reader, writer) -> {
        writer.write(reader.readLine());
        writer.close();
      }, "::1", 0);
      servers.add(server);
      InetSocketAddress listening = (InetSocketAddress) server.sockets().get(0).localAddress();
      assertThat(listening.getAddress()).isInstanceOf(java.net.Inet6Address.class);
      Streams.Pair c = Streams.openConnection("::1", listening.getPort());
      writers.add(c.writer());
      assertThat(c.writer().getExtraInfo("peername")).isEqualTo(listening);
      c.writer().write(bytes("over v6\n"));
      assertThat(str(c.reader().read(-1))).isEqualTo("over v6\n");
      closeAndWait(c.writer());
    });
  }

  @Test
  void aProtocolSwitchedToABufferedProtocol_getsWhatFollows_inItsOwnBuffer() { // test_proto_type_switch
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = recordingServer(accepted, false);
      Net.Connection<Recorder> c = Net.createConnection(this::recorder, host(), port(server));
      Recorder peer = awaitAccepted(accepted);
      peer.transport.write(bytes("plain"));
      assertThat(c.protocol().awaitBytes(5)).isEqualTo("plain");
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      ByteBuffer own = ByteBuffer.allocate(4);
      Future<Void> all = loop.createFuture();
      c.transport().setProtocol(new BufferedProtocol() {
        @Override
        public ByteBuffer getBuffer(int sizeHint) {
          return own.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
          got.write(own.array(), 0, nbytes);
          if (got.size() == 8 && !all.isDone()) {
            all.setResult(null);
          }
        }
      });
      peer.transport.write(bytes("buffered"));
      Weft.waitFor(all, WAIT);
      assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("buffered");
      assertThat(c.protocol().received.size()).as("nothing more to the first protocol").isEqualTo(5);
      c.transport().close();
    });
  }

  @Test
  void aBufferedProtocolWhoseGetBufferOrBufferUpdatedThrows_isReported_andItsConnectionAborted() {
    // test_get_buffer_error, test_buffer_updated_error
    run(() -> {
      for (String failing : List.of("getBuffer", "bufferUpdated")) {
        handled.clear();
        List<Recorder> accepted = new ArrayList<>();
        Server server = recordingServer(accepted, false);
        IllegalStateException boom = new IllegalStateException(failing + " boom");
        Future<Throwable> lost = loop.createFuture();
        Net.connectAccepted(() -> new BufferedProtocol() {
          @Override
          public ByteBuffer getBuffer(int sizeHint) {
            if (failing.equals("getBuffer")) {
              throw boom;
            }
            return ByteBuffer.allocate(16);
          }

          @Override
          public void bufferUpdated(int nbytes) {
            throw boom;
          }

          @Override
          public void connectionLost(Throwable cause) {
            lost.setResult(cause);
          }
        }, loop.network().connect(server.sockets().get(0).localAddress(), null));
        awaitAccepted(accepted).transport.write(bytes("x"));
        assertThat(Weft.waitFor(lost, WAIT)).as(failing).isSameAs(boom);
        assertThat(handled).as(failing).hasSize(1);
        assertThat(handled.get(0).message()).contains(failing);
        assertThat(handled.get(0).exception()).isSameAs(boom);
        assertIsReset(accepted.get(0).awaitLost());
        server.close();
      }
      handled.clear();
    });
  }

  @Test
  void aServerOnAnIpv4AndAnIpv6Host_listensOnEach_withAPortOfItsOwn() {
    // test_create_server_multiple_hosts_ipv4/_ipv6, test_create_server_dual_stack
    run(() -> {
      List<Recorder> accepted = new ArrayList<>();
      Server server = Net.createServer(() -> {
        Recorder r = recorder();
        accepted.add(r);
        return r;
      }, List.of("127.0.0.1", "::1"), 0, 8, true, false, true);
      servers.add(server);
      assertThat(server.sockets()).hasSize(2);
      List<Net.Connection<Recorder>> clients = new ArrayList<>();
      for (Network.ListenSocket s : server.sockets()) {
        InetSocketAddress a = (InetSocketAddress) s.localAddress();
        clients.add(Net.createConnection(this::recorder, a.getAddress().getHostAddress(), a.getPort()));
      }
      assertThat(server.sockets().stream().map(s -> {
        try {
          return ((InetSocketAddress) s.localAddress()).getAddress().getClass().getSimpleName();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      })).containsExactly("Inet4Address", "Inet6Address");
      for (int i = 0; accepted.size() < 2; i++) {
        assertThat(i).as("1 ms steps waiting for both connections").isLessThan(5_000);
        Weft.sleep(Duration.ofMillis(1));
      }
      for (Net.Connection<Recorder> c : clients) {
        c.transport().close();
        c.protocol().awaitLost();
      }
    });
  }

  /** Whether the network can share a port between listening sockets ({@code SO_REUSEPORT}). */
  protected abstract boolean supportsReusePort();

  @Test
  void reusePort_letsTwoServersShareAPort_orIsRefusedBeforeAnythingOpens_whereTheNetworkCannot() {
    // test_create_server_reuse_port, test_create_server_nosoreuseport
    run(() -> {
      long before = settledOpenSockets();
      if (!supportsReusePort()) {
        assertThatThrownBy(() -> Net.createServer(this::recorder, List.of(host()), 0, 8, true, true, true))
            .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("SO_REUSEPORT");
        assertThat(settledOpenSockets()).isEqualTo(before);
        return;
      }
      Server first = Net.createServer(this::recorder, List.of(host()), 0, 8, true, true, true);
      servers.add(first);
      Server second = Net.createServer(this::recorder, List.of(host()), port(first), 8, true, true, true);
      servers.add(second);
      assertThat(port(second)).isEqualTo(port(first));
      assertThatThrownBy(() -> Net.createServer(this::recorder, List.of(host()), port(first), 8, true, false, true))
          .as("a third without SO_REUSEPORT").isInstanceOf(java.net.BindException.class);
      assertThat(settledOpenSockets()).isEqualTo(before + 2);
    });
  }

  @Test
  void createConnection_withALocalAddressOfAnotherFamily_failsAndLeavesNothingOpen() {
    // test_create_connection_local_addr_nomatch_family
    run(() -> {
      Server server = recordingServer(new ArrayList<>(), false);
      long before = settledOpenSockets();
      InetSocketAddress local6 = new InetSocketAddress(java.net.InetAddress.ofLiteral("::1"), 0);
      assertThatThrownBy(() -> Net.createConnection(this::recorder, "127.0.0.1", port(server), local6, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("family")
          .hasMessageContaining(local6.toString());
      assertThat(settledOpenSockets()).isEqualTo(before);
    });
  }
}
