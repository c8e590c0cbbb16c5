package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Issue-9 case "connects": TCP connections opened and closed per second over loopback on one production loop
 * ({@code EventLoop.create()}), the same workload as the project anchor's {@code connects_seq} and
 * {@code connects_conc} ({@code benchmarks/anchors/py_bench_net.py}). Score: cycles/s.
 *
 * <p>One cycle: {@code Net.createConnection} to a server on 127.0.0.1 in the same loop (the {@link EchoBench}
 * server protocol, which writes back what it receives and closes on EOF); the client's protocol writes 64 bytes in
 * {@code connectionMade}, closes its transport once the 64 bytes have come back, and the cycle ends when its
 * {@code connectionLost} has run (its socket is closed then). The server's side closes on the client's EOF, on its
 * own; it is not waited for within the cycle.
 *
 * <ul>
 *   <li>{@link #sequential}: one task does 10,000 cycles one after the other.
 *   <li>{@link #concurrent}: 100 tasks each do 100 cycles one after the other, 10,000 in all.
 * </ul>
 *
 * <p>The loop and the server are made in a per-invocation {@link Setup} and closed in the {@link TearDown} (not
 * timed). The teardown closes the server, waits for its connections to go, closes the loop, and then checks that
 * the process holds exactly as many socket, pipe and epoll file descriptors as before the setup
 * ({@link IdleConnections#fdCount}): every invocation's 10,000 cycles are checked not to leave a descriptor behind
 * (it throws otherwise, naming both counts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ConnectBench {
  /** Cycles per invocation, both benchmarks. */
  static final int CYCLES = 10_000;
  /** Concurrent client tasks in {@link #concurrent}. */
  static final int CLIENTS = 100;

  private EventLoop loop;
  private Server server;
  private int port;
  private int fdsBefore;

  /**
   * A client's protocol: one 64-byte round trip, then close; {@code lost} completes when the connection is gone
   * (with an error if it went before the echo came back).
   */
  static final class OneTrip implements Protocol {
    private final Future<Void> lost;
    private Transport transport;
    private int got;

    OneTrip(Future<Void> lost) {
      this.lost = lost;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      t.write(EchoBench.MSG);
    }

    @Override
    public void dataReceived(byte[] data) {
      got += data.length;
      if (got >= EchoBench.SIZE) {
        transport.close();
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      if (got == EchoBench.SIZE) {
        lost.setResult(null);
      } else {
        lost.setException(new IllegalStateException(
            "connection lost after " + got + " of " + EchoBench.SIZE + " echoed bytes", cause));
      }
    }
  }

  /** One cycle: connect, one round trip, close, wait until the client's side is closed. */
  static void cycle(EventLoop loop, int port) throws IOException {
    Future<Void> lost = loop.createFuture();
    Net.createConnection(() -> new OneTrip(lost), "127.0.0.1", port);
    lost.await();
  }

  /** Counts descriptors, creates the loop and the echo server (not timed). */
  @Setup(Level.Invocation)
  public void setUp() throws IOException {
    fdsBefore = IdleConnections.fdCount();
    loop = SimWorkloads.production("create");
    server = loop.runUntilComplete(() -> Net.createServer(EchoBench.EchoServer::new, "127.0.0.1", 0, 1024, true,
        true));
    port = EchoBench.port(server);
  }

  /** Closes the server and the loop, then checks that no descriptor was left behind (not timed). */
  @TearDown(Level.Invocation)
  public void tearDown() throws IOException {
    loop.runUntilComplete(() -> {
      server.close();
      server.waitClosed();
      return null;
    });
    loop.close();
    int after = IdleConnections.fdCount();
    if (after != fdsBefore) {
      throw new IllegalStateException("fd leak after " + CYCLES + " connect/close cycles: " + fdsBefore
          + " socket/pipe/epoll fds before the loop was made, " + after + " after it and the server were closed");
    }
  }

  /** 10,000 cycles one after the other. Score: cycles/s. */
  @Benchmark
  @OperationsPerInvocation(CYCLES)
  public long sequential() {
    long n = loop.runUntilComplete(() -> {
      long c = 0;
      for (int i = 0; i < CYCLES; i++) {
        cycle(loop, port);
        c++;
      }
      return c;
    });
    Loops.check("cycles", CYCLES, n);
    return n;
  }

  /** 100 tasks x 100 cycles. Score: cycles/s. */
  @Benchmark
  @OperationsPerInvocation(CYCLES)
  public long concurrent() {
    long n = loop.runUntilComplete(() -> {
      List<Task<Integer>> tasks = new ArrayList<>(CLIENTS);
      for (int t = 0; t < CLIENTS; t++) {
        tasks.add(loop.createTask(() -> {
          for (int i = 0; i < CYCLES / CLIENTS; i++) {
            cycle(loop, port);
          }
          return CYCLES / CLIENTS;
        }));
      }
      long c = 0;
      for (Task<Integer> t : tasks) {
        c += t.await();
      }
      return c;
    });
    Loops.check("cycles", CYCLES, n);
    return n;
  }
}
