package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.tls.Tls;
import io.weft.net.tls.TlsOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TLS handshakes per second, the anchor's {@code tls_handshakes} ({@code benchmarks/anchors/py_bench_net.py}): one
 * loop holds a TLS server on 127.0.0.1 (the echo program's server protocol) and connects to it {@value #CONNECTS}
 * times per invocation, one connection after another: connect, full TLS 1.3 handshake with an RSA-2048 certificate
 * (the client checks the hostname), {@code connectionMade}, then {@code close()} (close_notify both ways) and wait
 * for the client's {@code connectionLost}. Score: connections/s, each a full handshake: the client's cached
 * sessions are invalidated after each connection (Python's client never resumes unless asked to), and the server
 * counts the handshakes that chose its certificate, checked against the connections made.
 *
 * <p>{@link #plain} is the same cycle without TLS (connect, close, connectionLost), for the cost TLS adds;
 * {@link #engineOnly} is the floor under {@link #tls}: the same handshake between two {@link SSLEngine}s in memory,
 * on one thread, with no sockets and no loop (the JDK's own cost).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class TlsHandshakeBench {
  /** Connections per invocation. */
  static final int CONNECTS = 50;

  private TlsKeys keys;
  private EventLoop loop;
  private Server tlsServer;
  private Server plainServer;

  /** A client protocol that completes {@code gone} at connectionLost. */
  static final class Lost implements Protocol {
    final Future<Void> gone;

    Lost(Future<Void> gone) {
      this.gone = gone;
    }

    @Override
    public void connectionLost(Throwable cause) {
      gone.setResult(null);
    }
  }

  /** Makes the keys, the loop and both servers (once per trial, not timed). */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    keys = TlsKeys.make();
    loop = SimWorkloads.production("create");
    loop.runUntilComplete(() -> {
      tlsServer = Tls.createServer(EchoBench.EchoServer::new, "127.0.0.1", 0, TlsOptions.server(keys.server()));
      plainServer = Net.createServer(EchoBench.EchoServer::new, "127.0.0.1", 0);
      return null;
    });
  }

  /** Closes the servers and the loop. */
  @TearDown(Level.Trial)
  public void tearDown() {
    loop.runUntilComplete(() -> {
      for (Server s : new Server[] {tlsServer, plainServer}) {
        s.close();
        s.closeClients();
        s.waitClosed();
      }
      return null;
    });
    loop.close();
  }

  /** Connect, full TLS handshake, close: {@value #CONNECTS} in a row. Score: handshakes/s. */
  @Benchmark
  @OperationsPerInvocation(CONNECTS)
  public long tls() {
    long before = keys.fullHandshakes().get();
    loop.runUntilComplete(() -> {
      int port = EchoBench.port(tlsServer);
      TlsOptions client = TlsOptions.client(keys.client());
      for (int i = 0; i < CONNECTS; i++) {
        Future<Void> gone = loop.createFuture();
        Transport t = Tls.createConnection(() -> new Lost(gone), "127.0.0.1", port, client).transport();
        t.close();
        gone.await();
        keys.forgetClientSessions();
      }
      return null;
    });
    long full = keys.fullHandshakes().get() - before;
    Loops.check("full handshakes", CONNECTS, full);
    return full;
  }

  /**
   * The same full handshake between a client and a server {@link SSLEngine} of the same contexts, records passed
   * in memory, delegated tasks run in line: {@value #CONNECTS} in a row. Score: handshakes/s.
   */
  @Benchmark
  @OperationsPerInvocation(CONNECTS)
  public long engineOnly() throws SSLException {
    long before = keys.fullHandshakes().get();
    ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
    ByteBuffer app = ByteBuffer.allocate(1 << 16);
    for (int i = 0; i < CONNECTS; i++) {
      SSLEngine client = keys.client().createSSLEngine("127.0.0.1", 0);
      client.setUseClientMode(true);
      SSLParameters p = client.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      client.setSSLParameters(p);
      SSLEngine server = keys.server().createSSLEngine();
      server.setUseClientMode(false);
      toServer.clear();
      toClient.clear();
      client.beginHandshake();
      server.beginHandshake();
      for (int round = 0; handshaking(client) || handshaking(server); round++) {
        if (round > 100) {
          throw new IllegalStateException("the in-memory handshake did not finish");
        }
        step(client, toClient, toServer, app);
        step(server, toServer, toClient, app);
      }
      keys.forgetClientSessions();
    }
    long full = keys.fullHandshakes().get() - before;
    Loops.check("full handshakes", CONNECTS, full);
    return full;
  }

  private static boolean handshaking(SSLEngine e) {
    SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
    return h != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && h != SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** Runs {@code e} as far as it goes: its tasks, its records into {@code out}, what {@code in} holds. */
  private static void step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
    while (true) {
      switch (e.getHandshakeStatus()) {
        case NEED_TASK -> {
          for (Runnable r = e.getDelegatedTask(); r != null; r = e.getDelegatedTask()) {
            r.run();
          }
        }
        case NEED_WRAP -> e.wrap(ByteBuffer.allocate(0), out);
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          in.flip();
          SSLEngineResult r = e.unwrap(in, app);
          in.compact();
          app.clear();
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0
              && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            return;
          }
        }
        default -> {
          return;
        }
      }
    }
  }

  /** Connect and close without TLS: {@value #CONNECTS} in a row. Score: connections/s. */
  @Benchmark
  @OperationsPerInvocation(CONNECTS)
  public long plain() {
    return loop.runUntilComplete(() -> {
      int port = EchoBench.port(plainServer);
      for (int i = 0; i < CONNECTS; i++) {
        Future<Void> gone = loop.createFuture();
        Transport t = Net.createConnection(() -> new Lost(gone), "127.0.0.1", port).transport();
        t.close();
        gone.await();
      }
      return (long) CONNECTS;
    });
  }
}
