package io.weft.net.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.TimeoutError;
import io.weft.Weft;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS layer's contract, run on every network: subclasses make the loop (NIO or simulated) and count what the
 * network holds open. Every test runs as a task on that loop.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class TlsContractTests {

  protected EventLoop loop;
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  private final List<Server> servers = new ArrayList<>();

  /** Creates a fresh loop whose network is the one under test. */
  protected abstract EventLoop newLoop();

  /** Counts what the network holds open (descriptors, or simulated sockets). */
  protected abstract long openResources() throws IOException;

  /** The handshake timeout to test with: short on real time, asyncio's default on virtual time. */
  protected abstract Duration shortHandshakeTimeout();

  /** Whether the loop runs on virtual time, where a check just before a deadline is exact. */
  protected abstract boolean virtualTime();

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
        for (int i = 0; i < 5; i++) {
          Weft.sleep(Duration.ZERO);
        }
      }
      return null;
    });
  }

  TlsOptions clientOptions() {
    return TlsOptions.client(TlsFixtures.client());
  }

  TlsOptions serverOptions() {
    return TlsOptions.server(TlsFixtures.server());
  }

  Server tlsServer(List<Rec> accepted, java.util.function.Consumer<Rec> setup) throws IOException {
    return tlsServer(accepted, setup, serverOptions());
  }

  /** A TLS server with {@code options} whose protocols, set up by {@code setup}, are collected in {@code accepted}. */
  Server tlsServer(List<Rec> accepted, java.util.function.Consumer<Rec> setup, TlsOptions options)
      throws IOException {
    Server server = Tls.createServer(() -> {
      Rec r = new Rec(loop);
      setup.accept(r);
      accepted.add(r);
      return r;
    }, host(), 0, options);
    servers.add(server);
    return server;
  }

  static int port(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  long settled() throws IOException {
    for (int i = 0; i < 5; i++) {
      Weft.sleep(Duration.ofMillis(1));
    }
    return openResources();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void echo_overTls_withConnectionMadeFirst_andTheSessionInExtraInfo() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.echo = true);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      Transport t = c.transport();
      assertThat(c.protocol().events).containsExactly("made");
      assertThat(c.protocol().transport).isSameAs(t);

      t.write(bytes("hello, "));
      t.write(bytes("tls"));
      c.protocol().awaitBytes(10);
      assertThat(c.protocol().received.toString(StandardCharsets.UTF_8)).isEqualTo("hello, tls");

      assertThat(t.getExtraInfo("protocol")).isEqualTo("TLSv1.3");
      assertThat((String) t.getExtraInfo("cipher")).startsWith("TLS_");
      assertThat(t.getExtraInfo("sslsession")).isInstanceOf(SSLSession.class);
      X509Certificate cert = (X509Certificate) t.getExtraInfo("peercert");
      assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
      assertThat(t.getExtraInfo("peername")).isEqualTo(server.sockets().get(0).localAddress());
      assertThat(t.getExtraInfo("sslcontext")).isInstanceOf(SSLContext.class);
      Rec peer = accepted.get(0);
      assertThat(peer.transport.getExtraInfo("peercert")).as("the client sent no certificate").isNull();
      assertThat(peer.transport.getExtraInfo("protocol")).isEqualTo("TLSv1.3");
      assertThat(t.canWriteEof()).isFalse();
      assertThatThrownBy(t::writeEof).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("half-close");
      t.close();
      c.protocol().awaitLost();
      assertThat(c.protocol().lostWith).isNull();
      peer.awaitLost();
      assertThat(peer.events).containsExactly("made", "eof", "lost");
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void streams_echoLines_overTls_andEofAfterThePeerCloses() {
    run(() -> {
      Server server = Tls.startServer((reader, writer) -> {
        for (byte[] line = reader.readLine(); !new String(line, StandardCharsets.UTF_8).equals("quit\n");
            line = reader.readLine()) {
          writer.write(new String(line, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
          writer.drain();
        }
        writer.write(bytes("bye\n"));
        writer.close();
        writer.waitClosed();
      }, host(), 0, serverOptions());
      servers.add(server);
      Streams.Pair p = Tls.openConnection(host(), port(server), clientOptions());
      p.writer().write(bytes("one\ntwo\nquit\n"));
      assertThat(p.reader().readLine()).isEqualTo(bytes("ONE\n"));
      assertThat(p.reader().readLine()).isEqualTo(bytes("TWO\n"));
      assertThat(p.writer().getExtraInfo("protocol")).isEqualTo("TLSv1.3");
      assertThat(p.reader().readLine()).isEqualTo(bytes("bye\n"));
      assertThat(p.reader().read(-1)).as("the server's close_notify reads as EOF").isEmpty();
      assertThat(p.reader().atEof()).isTrue();
      p.writer().close();
      p.writer().waitClosed();
      server.close();
      server.waitClosed();
    });
  }

  @Test
  void aLargePayload_pausesTheWriter_andArrivesWhole() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.pauseReadingAtStart = true);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      byte[] chunk = new byte[64 * 1024];
      new Random(1).nextBytes(chunk);
      int written = 0;
      // write while the transport lets us; stop once it stays paused: the pipe is full up to the server's app
      for (int i = 0, stalled = 0; stalled < 50; i++) {
        assertThat(i).as("writes before the TLS transport stayed paused").isLessThan(5000);
        if (c.protocol().pauses > c.protocol().resumes) {
          stalled++;
        } else {
          stalled = 0;
          c.transport().write(chunk);
          written += chunk.length;
        }
        Weft.sleep(Duration.ofMillis(1));
      }
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      Rec peer = accepted.get(0);
      assertThat(peer.received.size()).as("the server's application read nothing yet").isZero();
      assertThat(c.transport().getWriteBufferSize()).isGreaterThan(c.transport().getWriteBufferLimits().low());
      peer.transport.resumeReading();
      Rec.await(() -> c.protocol().resumes == c.protocol().pauses, "resumeWriting");
      peer.awaitBytes(written);
      byte[] got = peer.received.toByteArray();
      assertThat(got).hasSize(written);
      for (int off = 0; off < written; off += chunk.length) {
        assertThat(java.util.Arrays.copyOfRange(got, off, off + chunk.length)).isEqualTo(chunk);
      }
      c.transport().close();
      c.protocol().awaitLost();
    });
  }

  @Test
  void streams_aLargeEcho_withDrain() {
    run(() -> {
      int size = 3 * 1024 * 1024 + 17;
      Server server = Tls.startServer((reader, writer) -> {
        byte[] all = reader.readExactly(size);
        writer.write(all);
        writer.drain();
        writer.close();
      }, host(), 0, serverOptions());
      servers.add(server);
      Streams.Pair p = Tls.openConnection(host(), port(server), clientOptions());
      byte[] data = new byte[size];
      new Random(2).nextBytes(data);
      for (int off = 0; off < size; off += 100_000) {
        p.writer().write(java.nio.ByteBuffer.wrap(data, off, Math.min(100_000, size - off)));
        p.writer().drain();
      }
      assertThat(p.reader().readExactly(size)).isEqualTo(data);
      assertThat(p.reader().read(-1)).isEmpty();
      p.writer().close();
      p.writer().waitClosed();
    });
  }

  @Test
  void aHostnameMismatch_isRejected_namingTheName_andLeavesNothingOpen() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> {});
      long before = settled();
      TlsOptions wrongName = clientOptions().withServerHostname("wrong.example");
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), port(server), wrongName))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("hostname mismatch")
          .hasMessageContaining("wrong.example");
      assertThat(accepted).as("no application protocol met the failed connection").allSatisfy(
          r -> assertThat(r.events).doesNotContain("made"));
      Rec.await(() -> {
        try {
          return settled() == before;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, "the failed connection's sockets to close");
      // the same name, unchecked, connects
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server),
          wrongName.withCheckHostname(false));
      assertThat(c.transport().getExtraInfo("peercert")).isNotNull();
      c.transport().close();
      c.protocol().awaitLost();
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void anUntrustedCertificate_isRejected() {
    run(() -> {
      Server server = Tls.createServer(() -> new Rec(loop), host(), 0,
          TlsOptions.server(TlsFixtures.server(TlsFixtures.otherKeys(), null)));
      servers.add(server);
      long before = settled();
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("TLS handshake failed")
          .hasMessageContaining("PKIX");
      Rec.await(() -> {
        try {
          return settled() == before;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, "the failed connection's sockets to close");
      assertThat(handled).as("a failed server handshake is not an unhandled error").isEmpty();
    });
  }

  static final String INCOMING_FAILED = "Error on transport creation for incoming connection";

  /** What reached the exception handler with {@code message}. */
  List<ExceptionContext> reports(String message) {
    synchronized (handled) {
      return handled.stream().filter(c -> c.message().equals(message)).toList();
    }
  }

  /** Waits for the one report of a failed incoming connection and checks what it names. */
  ExceptionContext awaitIncomingFailure(List<Rec> accepted) {
    Rec.await(() -> !reports(INCOMING_FAILED).isEmpty(), "the report of the failed incoming connection");
    List<ExceptionContext> got = reports(INCOMING_FAILED);
    assertThat(got).hasSize(1);
    ExceptionContext c = got.get(0);
    assertThat(accepted).hasSize(1);
    assertThat(c.extras()).containsOnlyKeys("protocol", "transport");
    assertThat(c.extras().get("protocol")).as("the application's protocol, which never started")
        .isSameAs(accepted.get(0));
    assertThat(accepted.get(0).events).isEmpty();
    assertThat(((Transport) c.extras().get("transport")).isClosing()).as("the plain transport under TLS").isTrue();
    assertThat(handled).as("an I/O failure is the connection's own: not a fatal SSL error")
        .noneMatch(h -> h.message().startsWith("SSL handshake failed"));
    return c;
  }

  @Test
  void inDebugMode_aClientThatDoesNotTrustTheServer_isReported_asAnIncomingConnectionThatFailed() {
    run(() -> {
      loop.setDebug(true);
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { },
          TlsOptions.server(TlsFixtures.server(TlsFixtures.otherKeys(), null)));
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions()))
          .isInstanceOf(SSLHandshakeException.class);
      ExceptionContext c = awaitIncomingFailure(accepted);
      assertThat(c.exception()).as("the client's alert, as the server read it")
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageStartingWith("TLS handshake failed with ")
          .hasMessageContaining("fatal alert");
    });
  }

  @Test
  void aPlainTextClient_isReportedInDebugModeOnly_andItsConnectionIsClosed() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { });
      for (boolean debug : new boolean[] {false, true}) {
        loop.setDebug(debug);
        accepted.clear();
        Net.Connection<Rec> plain = Net.createConnection(() -> new Rec(loop), host(), port(server));
        plain.transport().write(bytes("GET / HTTP/1.0\r\n\r\n"));
        plain.protocol().awaitLost();
        assertThat(plain.protocol().events).as("the server closed it").contains("lost");
        if (!debug) {
          Rec.await(() -> accepted.size() == 1, "the server's application protocol");
          Weft.sleep(Duration.ofMillis(20));
          assertThat(handled).as("outside debug mode a failed incoming handshake is not reported").isEmpty();
        } else {
          ExceptionContext c = awaitIncomingFailure(accepted);
          assertThat(c.exception()).isInstanceOf(javax.net.ssl.SSLException.class)
              .hasMessageStartingWith("TLS handshake failed with ")
              .hasMessageContaining("plaintext connection?");
        }
      }
    });
  }

  @Test
  void aClientThatNeverHandshakes_isAbortedAfterTheServersHandshakeTimeout_andReportedInDebugModeOnly() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Duration timeout = shortHandshakeTimeout();
      Server server = tlsServer(accepted, r -> { }, serverOptions().withHandshakeTimeout(timeout));
      for (boolean debug : new boolean[] {false, true}) {
        loop.setDebug(debug);
        accepted.clear();
        double start = loop.time();
        Net.Connection<Rec> silent = Net.createConnection(() -> new Rec(loop), host(), port(server));
        if (virtualTime()) { // on real time a loaded machine may reach the deadline before this check
          Weft.sleep(timeout.minus(Duration.ofMillis(50)));
          assertThat(silent.protocol().lost()).as("still open just before the timeout").isFalse();
        }
        Weft.sleep(timeout);
        silent.protocol().awaitLost();
        assertThat(loop.time() - start).as("aborted at the server's handshake timeout")
            .isGreaterThanOrEqualTo(timeout.toMillis() / 1000.0 - 0.01);
        assertThat(silent.protocol().received.size()).as("the server sent nothing").isZero();
        if (!debug) {
          Weft.sleep(Duration.ofMillis(20));
          assertThat(accepted).hasSize(1);
          assertThat(handled).as("outside debug mode a handshake timeout is not reported").isEmpty();
        } else {
          ExceptionContext c = awaitIncomingFailure(accepted);
          assertThat(c.exception()).isInstanceOf(TimeoutError.class)
              .hasMessageStartingWith("SSL handshake is taking longer than " + timeout.toMillis() / 1000.0
                  + " seconds: aborting the connection with ");
        }
      }
    });
  }

  @Test
  void anEngineFailingWithoutAnIoErrorDuringTheHandshake_isReportedAlways_asSslHandshakeFailed() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { },
          TlsOptions.server(FaultyEngines.context(TlsFixtures.server(), () -> true)));
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions()))
          .as("the server closed the connection under the handshake").isInstanceOf(IOException.class);
      Rec.await(() -> !reports("SSL handshake failed").isEmpty(), "the report of the engine's failure");
      assertThat(reports("SSL handshake failed")).singleElement().satisfies(c -> {
        assertThat(c.exception()).isInstanceOf(IllegalStateException.class).hasMessage("engine bug");
        assertThat(c.extras()).containsOnlyKeys("transport", "protocol");
        assertThat(c.extras().get("protocol")).isInstanceOf(TlsProtocol.class);
        assertThat(((Transport) c.extras().get("transport")).isClosing()).isTrue();
      });
      assertThat(reports(INCOMING_FAILED)).as("outside debug mode").isEmpty();
      assertThat(accepted).singleElement().satisfies(r -> assertThat(r.events).isEmpty());
    });
  }

  @Test
  void anEngineFailingWithoutAnIoErrorAfterTheHandshake_isReportedAlways_andEndsTheConnection() {
    run(() -> {
      boolean[] broken = {false};
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { },
          TlsOptions.server(FaultyEngines.context(TlsFixtures.server(), () -> broken[0])));
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      Rec peer = accepted.get(0);
      broken[0] = true;
      c.transport().write(bytes("the record the server cannot read"));
      peer.awaitLost();
      assertThat(peer.lostWith).isInstanceOf(IllegalStateException.class).hasMessage("engine bug");
      assertThat(reports("Fatal error on SSL protocol")).singleElement().satisfies(
          r -> assertThat(r.exception()).isSameAs(peer.lostWith));
      assertThat(handled).hasSize(1);
      c.protocol().awaitLost();
    });
  }

  @Test
  void anIdleConnection_holdsNoBufferOfItsOwn_onEitherSide_afterRecordsWentBothWays() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.echo = true);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      byte[] data = new byte[100_000]; // several records each way
      new Random(3).nextBytes(data);
      c.transport().write(data);
      c.protocol().awaitBytes(data.length);
      assertThat(c.protocol().received.toByteArray()).isEqualTo(data);
      TlsProtocol client = ((TlsSocket) c.transport().getExtraInfo("socket")).layer();
      TlsProtocol served = ((TlsSocket) accepted.get(0).transport.getExtraInfo("socket")).layer();
      Rec.await(() -> client.heldCapacity() == 0 && served.heldCapacity() == 0,
          "both layers to hold no buffer (client " + client.heldCapacity() + ", server " + served.heldCapacity()
              + ")");
      c.transport().write(bytes("and again")); // buffers come back when something waits
      c.protocol().awaitBytes(data.length + 9);
      c.transport().close();
      c.protocol().awaitLost();
    });
  }

  /** A context with {@code keys}' certificate as its identity, trusting {@code trust}'s only. */
  static SSLContext mutual(java.security.KeyStore keys, java.security.KeyStore trust) throws Exception {
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, TlsFixtures.PASSWORD);
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  @Test
  void aServerThatNeedsClientCertificates_getsTheClientsCertificate_andAlpnIsAgreed() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.echo = true,
          TlsOptions.server(mutual(TlsFixtures.keys(), TlsFixtures.otherKeys())).withParameters(p -> {
            p.setNeedClientAuth(true);
            p.setApplicationProtocols(new String[] {"weft/1", "h2"});
          }));
      TlsOptions client = TlsOptions.client(mutual(TlsFixtures.otherKeys(), TlsFixtures.keys()))
          .withParameters(p -> p.setApplicationProtocols(new String[] {"h2"}));
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), client);
      c.transport().write(bytes("mutual"));
      c.protocol().awaitBytes(6);
      X509Certificate clientCert = (X509Certificate) TlsFixtures.otherKeys().getCertificate("weft-test-other");
      Rec peer = accepted.get(0);
      assertThat(peer.transport.getExtraInfo("peercert")).as("the client's certificate, on the server")
          .isEqualTo(clientCert);
      SSLSession session = (SSLSession) c.transport().getExtraInfo("sslsession");
      assertThat(session.getPeerCertificates()[0]).isEqualTo(TlsFixtures.keys().getCertificate("weft-test-server"));
      c.transport().close();
      c.protocol().awaitLost();
      peer.awaitLost();
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void aServerThatNeedsClientCertificates_refusesAClientWithout_andItsProtocolNeverStarts() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { },
          TlsOptions.server(mutual(TlsFixtures.keys(), TlsFixtures.otherKeys()))
              .withParameters(p -> p.setNeedClientAuth(true)));
      Throwable failure;
      try {
        // TLS 1.3: the client may finish its side of the handshake before the server checks its (missing)
        // certificate, so the refusal reaches it either at connect or as the connection's loss.
        Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
        c.protocol().awaitLost();
        failure = c.protocol().lostWith;
      } catch (javax.net.ssl.SSLException e) {
        failure = e;
      }
      assertThat(failure).as("the client learns it was refused").isInstanceOf(javax.net.ssl.SSLException.class);
      assertThat(accepted).allSatisfy(r -> assertThat(r.events).as("the server's protocol").doesNotContain("made"));
    });
  }

  @Test
  void aHandshakeThatNeverAnswers_timesOut_abortingTheConnection() {
    run(() -> {
      List<Rec> plainPeers = new ArrayList<>();
      Server silent = Net.createServer(() -> {
        Rec r = new Rec(loop);
        plainPeers.add(r);
        return r;
      }, host(), 0);
      servers.add(silent);
      Duration timeout = shortHandshakeTimeout();
      double start = loop.time();
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), port(silent),
          clientOptions().withHandshakeTimeout(timeout)))
          .isInstanceOf(TimeoutError.class)
          .hasMessageContaining("SSL handshake is taking longer than " + timeout.toMillis() / 1000.0 + " seconds");
      assertThat(loop.time() - start).isGreaterThanOrEqualTo(timeout.toMillis() / 1000.0 - 0.01);
      Rec.await(() -> !plainPeers.isEmpty() && plainPeers.get(0).lost(), "the server to see the abort");
      assertThat(plainPeers.get(0).received.size()).as("the ClientHello").isGreaterThan(0);
    });
  }

  @Test
  void closeNotify_endsBothSides_cleanly() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.keepOpenOnEof = true);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      Rec peer = accepted.get(0);
      c.transport().write(bytes("last words"));
      c.transport().close();
      assertThat(c.transport().isClosing()).isTrue();
      Rec.await(() -> peer.events.contains("eof"), "close_notify at the server");
      assertThat(peer.received.toString(StandardCharsets.UTF_8)).isEqualTo("last words");
      assertThat(peer.lost()).as("kept open after eofReceived returned true").isFalse();
      Weft.sleep(Duration.ofMillis(20));
      assertThat(c.protocol().lost()).as("the client's connectionLost waits for the server's close_notify").isFalse();
      peer.transport.write(bytes("dropped: the client closed"));
      peer.transport.close(); // answers close_notify: the client's plain transport closes
      peer.awaitLost();
      c.protocol().awaitLost();
      assertThat(peer.lostWith).isNull();
      assertThat(c.protocol().lostWith).isNull();
      assertThat(c.protocol().received.size()).isZero();
    });
  }

  @Test
  void aPeerThatNeverAnswersCloseNotify_isAbortedAfterTheShutdownTimeout() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.keepOpenOnEof = true); // reads EOF, never closes
      Duration timeout = shortHandshakeTimeout().dividedBy(2);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server),
          clientOptions().withShutdownTimeout(timeout));
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      Rec peer = accepted.get(0);
      double start = loop.time();
      c.transport().close();
      Rec.await(() -> peer.events.contains("eof"), "close_notify at the server");
      if (virtualTime()) { // on real time a loaded machine may reach the deadline before these checks
        assertThat(c.protocol().lost()).as("connectionLost waits for the peer's close_notify").isFalse();
        Weft.sleep(timeout.minus(Duration.ofMillis(50)));
        assertThat(peer.lost()).as("still open just before the timeout").isFalse();
        assertThat(c.protocol().lost()).isFalse();
      }
      Weft.sleep(timeout);
      c.protocol().awaitLost();
      assertThat(c.protocol().lostWith).isNull();
      Rec.await(peer::lost, "the abort after the shutdown timeout");
      assertThat(loop.time() - start).isGreaterThanOrEqualTo(timeout.toMillis() / 1000.0 - 0.01);
      assertThat(peer.lostWith).as("a reset").isInstanceOf(IOException.class);
    });
  }

  @Test
  void startTls_upgradesAnOpenStream() {
    run(() -> {
      TlsOptions serverTls = serverOptions();
      Server server = Streams.startServer((reader, writer) -> {
        assertThat(reader.readLine()).isEqualTo(bytes("STARTTLS\n"));
        writer.write(bytes("GO\n"));
        Tls.startTls(writer, serverTls);
        byte[] line = reader.readLine();
        writer.write(("secret was " + new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        writer.write(bytes(String.valueOf(writer.getExtraInfo("protocol"))));
        writer.close();
      }, host(), 0);
      servers.add(server);
      Streams.Pair p = Streams.openConnection(host(), port(server));
      StreamWriter w = p.writer();
      StreamReader r = p.reader();
      assertThat(w.getExtraInfo("protocol")).isNull();
      w.write(bytes("STARTTLS\n"));
      assertThat(r.readLine()).isEqualTo(bytes("GO\n"));
      Transport plain = w.transport();
      Tls.startTls(w, clientOptions().withServerHostname("localhost"));
      assertThat(w.transport()).isNotSameAs(plain);
      assertThat(w.getExtraInfo("protocol")).isEqualTo("TLSv1.3");
      w.write(bytes("swordfish\n"));
      assertThat(new String(r.read(-1), StandardCharsets.UTF_8)).isEqualTo("secret was swordfish\nTLSv1.3");
      assertThat(r.atEof()).isTrue();
      w.close();
      w.waitClosed();
    });
  }

  @Test
  void startTls_onATransport_returnsTheTlsTransport_forTheNewProtocol() {
    run(() -> {
      List<Rec> plainPeers = new ArrayList<>();
      Future2 upgraded = new Future2();
      Server server = Net.createServer(() -> {
        Rec r = new Rec(loop) {
          @Override
          public void dataReceived(byte[] data) {
            super.dataReceived(data);
            if (new String(data, StandardCharsets.UTF_8).equals("UPGRADE")) {
              transport.pauseReading(); // what follows is the ClientHello, for the TLS layer
              transport.write(bytes("OK"));
              loop.createTask(() -> {
                Rec secure = new Rec(loop);
                secure.echo = true;
                upgraded.transport = Tls.startTls(transport, secure, serverOptions());
                return null;
              });
            }
          }
        };
        plainPeers.add(r);
        return r;
      }, host(), 0);
      servers.add(server);
      Net.Connection<Rec> c = Net.createConnection(() -> new Rec(loop), host(), port(server));
      c.transport().write(bytes("UPGRADE"));
      c.protocol().awaitBytes(2);
      Rec secure = new Rec(loop);
      Transport t = Tls.startTls(c.transport(), secure, clientOptions());
      assertThat(secure.transport).isSameAs(t);
      assertThat(c.transport().getProtocol()).isNotSameAs(c.protocol());
      t.write(bytes("ping"));
      secure.awaitBytes(4);
      assertThat(secure.received.toString(StandardCharsets.UTF_8)).isEqualTo("ping");
      assertThat(plainPeers.get(0).received.toString(StandardCharsets.UTF_8)).isEqualTo("UPGRADE");
      assertThat(upgraded.transport.getExtraInfo("cipher")).isNotNull();
      t.close();
      secure.awaitLost();
    });
  }

  @Test
  void aPlainEofWithoutCloseNotify_readsAsEof_andTheConnectionEnds() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> { });
      Net.Connection<Rec> c = Net.createConnection(() -> new Rec(loop), host(), port(server));
      Rec secure = new Rec(loop);
      Transport t = Tls.startTls(c.transport(), secure, clientOptions());
      t.write(bytes("before the cut"));
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).received.size() == 14, "the data at the server");
      Rec peer = accepted.get(0);
      c.transport().writeEof(); // FIN on the TCP connection under TLS, no close_notify: a truncation
      peer.awaitLost();
      assertThat(peer.events).containsExactly("made", "eof", "lost");
      assertThat(peer.lostWith).isNull();
      secure.awaitLost();
      assertThat(secure.events).contains("made", "lost");
      Rec.await(() -> c.transport().isClosing(), "the plain transport to close");
      assertThat(c.protocol().events).as("the old protocol heard nothing after start_tls").containsExactly("made");
      assertThat(handled).isEmpty();
    });
  }

  @Test
  void aBufferedProtocol_readsTheDecryptedStreamIntoItsOwnBuffer() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.echo = true);
      java.nio.ByteBuffer into = java.nio.ByteBuffer.allocate(7); // smaller than a record: several reads each
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      List<Integer> updates = new ArrayList<>();
      Net.Connection<io.weft.net.BufferedProtocol> c = Tls.createConnection(() -> new io.weft.net.BufferedProtocol() {
        @Override
        public java.nio.ByteBuffer getBuffer(int sizeHint) {
          return into.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
          updates.add(nbytes);
          got.write(into.array(), 0, nbytes);
        }
      }, host(), port(server), clientOptions());
      c.transport().write(bytes("twenty bytes of text"));
      Rec.await(() -> got.size() == 20, "the echo through a 7-byte buffer");
      assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("twenty bytes of text");
      assertThat(updates).allSatisfy(n -> assertThat(n).isBetween(1, 7));
      assertThat(updates.size()).isGreaterThanOrEqualTo(3);
      c.transport().close();
    });
  }

  @Test
  void aConnectionLostWhileClosingWithABufferedBacklog_stillReachesConnectionLost() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> r.pauseReadingAtStart = true);
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0, stalled = 0; stalled < 20; i++) {
        assertThat(i).as("writes before the TLS transport stayed paused").isLessThan(5000);
        if (c.protocol().pauses > c.protocol().resumes) {
          stalled++;
        } else {
          stalled = 0;
          c.transport().write(chunk);
        }
        Weft.sleep(Duration.ofMillis(1));
      }
      c.transport().close(); // closing, with a backlog the stalled connection will never take
      assertThat(c.transport().getWriteBufferSize()).isPositive();
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      accepted.get(0).transport.abort(); // a reset under the client's TLS
      c.protocol().awaitLost();
      assertThat(c.protocol().lostWith).isInstanceOf(IOException.class);
    });
  }

  /** Holds what a server task made. */
  static final class Future2 {
    volatile Transport transport;
  }

  @Test
  void thePeerAborting_losesTheConnectionWithAnError() {
    run(() -> {
      List<Rec> accepted = new ArrayList<>();
      Server server = tlsServer(accepted, r -> {});
      Net.Connection<Rec> c = Tls.createConnection(() -> new Rec(loop), host(), port(server), clientOptions());
      Rec.await(() -> !accepted.isEmpty() && accepted.get(0).transport != null, "the server's connection");
      accepted.get(0).transport.abort();
      c.protocol().awaitLost();
      assertThat(c.protocol().lostWith).isInstanceOf(IOException.class);
      c.transport().write(bytes("into the void"));
      assertThat(c.transport().isClosing()).isTrue();
    });
  }

  @Test
  void options_checkTheirValues_andTheSide() {
    SSLContext context = TlsFixtures.client();
    assertThatThrownBy(() -> TlsOptions.client(context).withHandshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("handshakeTimeout must be > 0, got PT0S");
    assertThatThrownBy(() -> TlsOptions.client(context).withShutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("shutdownTimeout must be > 0, got PT-1S");
    assertThatThrownBy(() -> TlsOptions.client(null)).isInstanceOf(NullPointerException.class);
    assertThat(TlsOptions.client(context).handshakeTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(TlsOptions.client(context).shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(TlsOptions.client(context).checkHostname()).isTrue();
    run(() -> {
      assertThatThrownBy(() -> Tls.createServer(() -> new Rec(loop), host(), 0, TlsOptions.client(context)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TlsOptions.server");
      assertThatThrownBy(() -> Tls.createConnection(() -> new Rec(loop), host(), 1, serverOptions()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TlsOptions.client");
    });
  }
}
