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
 * Bulk throughput over one TLS connection, the anchor's {@code tls_bulk} ({@code benchmarks/anchors/py_bench_net.py}):
 * a client writes {@value #MIB} MiB in writes of {@value #CHUNK} bytes as fast as flow control lets it
 * ({@code pauseWriting}/{@code resumeWriting}), a server in the same loop echoes everything back (pausing its reading
 * while its own writing is paused), and the invocation ends when the client has read all of it back. Both sides are
 * {@link Protocol}s, as the anchor's. Score: MiB/s of payload (each MiB crosses the connection twice, once each
 * way). TLS 1.3 with an RSA-2048 certificate, the JDK's default cipher suite; the connection is made once per trial.
 *
 * <p>{@link #plain} is the same transfer without TLS.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class TlsBulkBench {
  /** Payload per invocation, in MiB. */
  static final int MIB = 64;
  /** Bytes per write. */
  static final int CHUNK = 256 * 1024;

  private EventLoop loop;
  private Server server;
  private Sender client;

  /** The echoing server: writes back what it reads, and stops reading while its transport cannot take more. */
  static final class Echo implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(byte[] data) {
      transport.write(data);
    }

    @Override
    public void pauseWriting() {
      transport.pauseReading();
    }

    @Override
    public void resumeWriting() {
      transport.resumeReading();
    }
  }

  /** The client: writes while not paused, counts what comes back, completes {@code done} at the total. */
  static final class Sender implements Protocol {
    private final byte[] chunk = new byte[CHUNK];
    private Transport transport;
    private boolean paused;
    private long toSend;
    private long expected;
    private long received;
    private Future<Void> done;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    /** Sends {@code total} bytes and waits, in a task, until they have all come back. */
    void transfer(EventLoop loop, long total) {
      toSend = total;
      expected = total;
      received = 0;
      done = loop.createFuture();
      pump();
      done.await();
    }

    private void pump() {
      while (!paused && toSend > 0) {
        int n = (int) Math.min(CHUNK, toSend);
        toSend -= n;
        transport.write(ByteBuffer.wrap(chunk, 0, n));
      }
    }

    @Override
    public void dataReceived(byte[] data) {
      received += data.length;
      if (received == expected) {
        done.setResult(null);
      }
    }

    @Override
    public void pauseWriting() {
      paused = true;
    }

    @Override
    public void resumeWriting() {
      paused = false;
      pump();
    }
  }

  /** Makes the loop, the server and the one connection (TLS for {@link #tls}), once per trial. */
  @Setup(Level.Trial)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) throws Exception {
    boolean tls = params.getBenchmark().endsWith(".tls");
    TlsKeys keys = tls ? TlsKeys.make() : null;
    loop = SimWorkloads.production("create");
    client = loop.runUntilComplete(() -> {
      server = tls ? Tls.createServer(Echo::new, "127.0.0.1", 0, TlsOptions.server(keys.server()))
          : Net.createServer(Echo::new, "127.0.0.1", 0);
      int port = EchoBench.port(server);
      return tls ? Tls.createConnection(Sender::new, "127.0.0.1", port, TlsOptions.client(keys.client())).protocol()
          : Net.createConnection(Sender::new, "127.0.0.1", port).protocol();
    });
  }

  /** Closes the connection, the server and the loop. */
  @TearDown(Level.Trial)
  public void tearDown() {
    loop.runUntilComplete(() -> {
      client.transport.close();
      server.close();
      server.closeClients();
      server.waitClosed();
      return null;
    });
    loop.close();
  }

  private long run() {
    long total = (long) MIB << 20;
    loop.runUntilComplete(() -> {
      client.transfer(loop, total);
      return null;
    });
    Loops.check("bytes echoed", total, client.received);
    return client.received;
  }

  /** {@value #MIB} MiB echoed over TLS 1.3. Score: MiB/s. */
  @Benchmark
  @OperationsPerInvocation(MIB)
  public long tls() {
    return run();
  }

  /** {@value #MIB} MiB echoed over plain TCP. Score: MiB/s. */
  @Benchmark
  @OperationsPerInvocation(MIB)
  public long plain() {
    return run();
  }
}
