package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Issue-9 case "echo": TCP echo over loopback on one production loop ({@code EventLoop.create()}: system clock, NIO
 * selector, loop-scheduled carrier, checked), the same workload as the anchor's {@code echo_proto_both} and
 * {@code echo_streams} ({@code shared/bench/anchors/py_bench.py}): a server on 127.0.0.1 port 0, 100 client
 * connections, each doing 2,000 round trips of 64 bytes, 200,000 round trips per invocation. Score: round trips/s.
 *
 * <p>As the anchor, the score times only the round trips: the loop, the server and the 100 connections are made in a
 * per-invocation {@link Setup} (which JMH leaves out of the measured time), and closed in the {@link TearDown}; the
 * measured part starts every client, waits for all 200,000 round trips and includes the clients' {@code close()}
 * calls (the anchor closes each client transport when its last round trip arrives, inside its timed part too).
 *
 * <ul>
 *   <li>{@link #protocol}: {@link Protocol} on both sides (anchor {@code echo_proto_both}). The server's protocol
 *       writes back whatever it receives; a client's protocol writes 64 bytes, and writes again each time 64 more
 *       bytes have come back, until its 2,000th.
 *   <li>{@link #streams}: {@link Streams} on both sides (anchor {@code echo_streams}). The server's handler loops
 *       {@code read(65536)}, {@code write}, {@code drain()} until EOF; each client is a task looping {@code write(64
 *       bytes)}, {@code drain()}, {@code readExactly(64)} (the anchor's client does not call {@code drain()}; with 64
 *       bytes in flight it never waits, in either runtime).
 * </ul>
 *
 * <p>A run that miscounts throws. The simulated-network figure is {@link EchoSimBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class EchoBench {
  /** Client connections, as the anchor's {@code ECHO_CONNS}. */
  static final int CONNS = 100;
  /** Round trips per connection. */
  static final int ROUNDS = 2_000;
  /** Message size in bytes. */
  static final int SIZE = 64;
  static final byte[] MSG = filled(SIZE);

  private EventLoop loop;
  private Server server;
  private List<EchoClient> protocolClients;
  private List<Streams.Pair> streamClients;
  private Future<Void> allDone;

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  /** The echo server's protocol: writes back every chunk it receives. */
  static final class EchoServer implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(byte[] data) {
      transport.write(data);
    }
  }

  /**
   * A client's protocol: sends {@link #SIZE} bytes on {@link #start}, sends again each time that many have come
   * back, and after {@code rounds} round trips closes its transport and counts down {@code remaining}.
   */
  static final class EchoClient implements Protocol {
    private final int rounds;
    private final int[] remaining;
    private final Future<Void> done;
    private Transport transport;
    private int got;
    int count;

    EchoClient(int rounds, int[] remaining, Future<Void> done) {
      this.rounds = rounds;
      this.remaining = remaining;
      this.done = done;
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    void start() {
      transport.write(MSG);
    }

    @Override
    public void dataReceived(byte[] data) {
      got += data.length;
      while (got >= SIZE) {
        got -= SIZE;
        count++;
        if (count == rounds) {
          transport.close();
          if (--remaining[0] == 0) {
            done.setResult(null);
          }
          return;
        }
        transport.write(MSG);
      }
    }
  }

  static int port(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /**
   * Makes the {@link Protocol} echo program's server and connected clients on {@code loop} (call from a task); the
   * returned clients start with {@link EchoClient#start}, and {@code done} completes once all have finished.
   */
  static List<EchoClient> protocolSetup(EventLoop loop, Server[] server, Future<Void> done) throws IOException {
    server[0] = Net.createServer(EchoServer::new, "127.0.0.1", 0);
    int port = port(server[0]);
    int[] remaining = {CONNS};
    List<EchoClient> clients = new ArrayList<>(CONNS);
    for (int i = 0; i < CONNS; i++) {
      clients.add(Net.createConnection(() -> new EchoClient(ROUNDS, remaining, done), "127.0.0.1", port).protocol());
    }
    return clients;
  }

  /** Creates the loop, the {@link Protocol} echo server and the 100 connected clients (not timed). */
  @Setup(Level.Invocation)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
    loop = SimWorkloads.production("create");
    allDone = loop.createFuture();
    Server[] s = new Server[1];
    if (params.getBenchmark().endsWith(".streams")) {
      streamClients = loop.runUntilComplete(() -> {
        s[0] = Streams.startServer(EchoBench::serveStream, "127.0.0.1", 0);
        int port = port(s[0]);
        List<Streams.Pair> pairs = new ArrayList<>(CONNS);
        for (int i = 0; i < CONNS; i++) {
          pairs.add(Streams.openConnection("127.0.0.1", port));
        }
        return pairs;
      });
    } else {
      protocolClients = loop.runUntilComplete(() -> protocolSetup(loop, s, allDone));
    }
    server = s[0];
  }

  static void serveStream(StreamReader reader, StreamWriter writer) throws IOException {
    try {
      while (true) {
        byte[] data = reader.read(65536);
        if (data.length == 0) {
          break;
        }
        writer.write(data);
        writer.drain();
      }
    } finally {
      writer.close();
    }
  }

  /** Closes the server, waits for its connections to go, and closes the loop (not timed). */
  @TearDown(Level.Invocation)
  public void tearDown() {
    loop.runUntilComplete(() -> {
      server.close();
      server.waitClosed();
      return null;
    });
    loop.close();
    protocolClients = null;
    streamClients = null;
  }

  /** {@link Protocol} on both sides: 100 clients x 2,000 round trips of 64 bytes. Score: round trips/s. */
  @Benchmark
  @OperationsPerInvocation(CONNS * ROUNDS)
  public long protocol() {
    return roundTrips(loop, protocolClients, allDone, (long) CONNS * ROUNDS);
  }

  /**
   * Starts {@code clients}, waits on {@code loop} until {@code allDone}, checks that they made {@code expected} round
   * trips in all, and returns that count.
   */
  static long roundTrips(EventLoop loop, List<EchoClient> clients, Future<Void> allDone, long expected) {
    long trips = loop.runUntilComplete(() -> {
      for (EchoClient c : clients) {
        c.start();
      }
      allDone.await();
      long n = 0;
      for (EchoClient c : clients) {
        n += c.count;
      }
      return n;
    });
    Loops.check("round trips", expected, trips);
    return trips;
  }

  /** Streams on both sides: 100 client tasks x 2,000 round trips of 64 bytes. Score: round trips/s. */
  @Benchmark
  @OperationsPerInvocation(CONNS * ROUNDS)
  public long streams() {
    long trips = loop.runUntilComplete(() -> {
      List<Task<Integer>> tasks = new ArrayList<>(CONNS);
      for (Streams.Pair p : streamClients) {
        tasks.add(loop.createTask(() -> {
          int n = 0;
          for (int i = 0; i < ROUNDS; i++) {
            p.writer().write(MSG);
            p.writer().drain();
            if (p.reader().readExactly(SIZE).length == SIZE) {
              n++;
            }
          }
          p.writer().close();
          return n;
        }));
      }
      long n = 0;
      for (Task<Integer> t : tasks) {
        n += t.await();
      }
      return n;
    });
    Loops.check("round trips", (long) CONNS * ROUNDS, trips);
    return trips;
  }
}
