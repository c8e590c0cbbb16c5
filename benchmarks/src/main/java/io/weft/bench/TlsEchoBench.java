package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.tls.Tls;
import io.weft.net.tls.TlsOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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
 * TLS echo beside plain echo, the anchor's {@code echo_tls} and {@code echo_plain}
 * ({@code benchmarks/anchors/py_bench_net.py}): {@link EchoBench}'s Protocol program (a server on 127.0.0.1 that
 * writes back what it gets; clients that send 64 bytes and send again when 64 came back) with 100 connections of
 * {@value #ROUNDS} round trips each, {@code 100 x 500} per invocation. Score: round trips/s.
 *
 * <ul>
 *   <li>{@link #plain}: plain TCP, as {@link EchoBench#protocol} with fewer rounds.
 *   <li>{@link #tls}: the same over TLS 1.3 ({@link Tls}, the JDK's {@code SSLEngine}, an RSA-2048 certificate made
 *       by {@code keytool} once per trial; the client checks the hostname).
 * </ul>
 *
 * <p>As the anchor, the connects and handshakes happen in the per-invocation setup, not timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class TlsEchoBench {
  static final int CONNS = EchoBench.CONNS;
  /** Round trips per connection: fewer than {@link EchoBench}'s, as the TLS anchors are slower. */
  static final int ROUNDS = 500;

  private SSLContext serverContext;
  private SSLContext clientContext;
  private EventLoop loop;
  private Server server;
  private List<EchoBench.EchoClient> clients;
  private Future<Void> allDone;

  /** Makes the certificate and the two contexts (once per trial, not timed). */
  @Setup(Level.Trial)
  public void keys() throws Exception {
    TlsKeys keys = TlsKeys.make();
    serverContext = keys.server();
    clientContext = keys.client();
  }

  /** Creates the loop, the server and the 100 connected (and, for {@link #tls}, handshaken) clients. */
  @Setup(Level.Invocation)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
    boolean tls = params.getBenchmark().endsWith(".tls");
    loop = SimWorkloads.production("create");
    allDone = loop.createFuture();
    clients = loop.runUntilComplete(() -> {
      int[] remaining = {CONNS};
      server = tls
          ? Tls.createServer(EchoBench.EchoServer::new, "127.0.0.1", 0, TlsOptions.server(serverContext))
          : Net.createServer(EchoBench.EchoServer::new, "127.0.0.1", 0);
      int port = EchoBench.port(server);
      List<EchoBench.EchoClient> made = new ArrayList<>(CONNS);
      for (int i = 0; i < CONNS; i++) {
        java.util.function.Supplier<EchoBench.EchoClient> f =
            () -> new EchoBench.EchoClient(ROUNDS, remaining, allDone);
        made.add(tls
            ? Tls.createConnection(f, "127.0.0.1", port, TlsOptions.client(clientContext)).protocol()
            : Net.createConnection(f, "127.0.0.1", port).protocol());
      }
      return made;
    });
  }

  /** Closes the server, waits for its connections to go, and closes the loop (not timed). */
  @TearDown(Level.Invocation)
  public void tearDown() {
    loop.runUntilComplete(() -> {
      server.close();
      server.closeClients();
      server.waitClosed();
      return null;
    });
    loop.close();
    clients = null;
  }

  private long run() {
    return EchoBench.roundTrips(loop, clients, allDone, (long) CONNS * ROUNDS);
  }

  /** Plain TCP: 100 clients x 500 round trips of 64 bytes. Score: round trips/s. */
  @Benchmark
  @OperationsPerInvocation(CONNS * ROUNDS)
  public long plain() {
    return run();
  }

  /** TLS 1.3: 100 clients x 500 round trips of 64 bytes. Score: round trips/s. */
  @Benchmark
  @OperationsPerInvocation(CONNS * ROUNDS)
  public long tls() {
    return run();
  }
}
