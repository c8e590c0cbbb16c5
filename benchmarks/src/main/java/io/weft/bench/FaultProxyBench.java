package io.weft.bench;

import io.weft.fault.proxy.FaultProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 10's fault proxy: what a {@link FaultProxy} adds on loopback, beside a direct connection.
 *
 * <p>One blocking client socket (TCP_NODELAY) talks to a blocking server on 127.0.0.1, either directly
 * ({@code path=direct}), through a proxy on its own loop thread with no toxics ({@code path=proxy}), or through one
 * whose every chunk passes toxics that change nothing ({@code path=toxics}: {@value #NEUTRAL_TOXICS}, both ways), so
 * the toxics' own machinery is what is measured. {@code idle} more connections are held open on the same path (200:
 * a proxy with many connections). Everything runs on the same 2 vCPUs, so the proxy's thread competes with the
 * client and server threads.
 *
 * <ul>
 *   <li>{@link #roundTrip}: write 64 bytes, read the 64 echoed back. Sampled time per round trip (JMH reports the
 *       mean and percentiles: on a loaded machine the median says more than the mean); the proxy's added latency is
 *       the difference.
 *   <li>{@link #upload}: write 1 MiB, read the server's 1-byte acknowledgement once it has all of it. Operations/s
 *       times 1 MiB is the throughput (one round trip included per MiB).
 * </ul>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class FaultProxyBench {

  /** The bytes of one upload. */
  static final int UPLOAD = 1 << 20;

  /** Toxics that apply to every chunk and change nothing measurable: no delay, a bandwidth far above loopback's. */
  static final String NEUTRAL_TOXICS = "latency=fixed(0ms), bandwidth=100000MB/s";

  /** {@code direct}, {@code proxy} (no toxics) or {@code toxics} (neutral toxics both ways). */
  @Param({"direct", "proxy", "toxics"})
  public String path;

  /** How many more connections stay open, idle, on the same path. */
  @Param({"0", "200"})
  public int idle;

  private final List<Socket> idleClients = new ArrayList<>();

  private ServerSocket echo;
  private ServerSocket sink;
  private final List<Thread> servers = new ArrayList<>();
  private FaultProxy echoProxy;
  private FaultProxy sinkProxy;
  private Socket echoClient;
  private Socket sinkClient;
  private final byte[] small = new byte[64];
  private final byte[] smallIn = new byte[64];
  private final byte[] big = new byte[UPLOAD];

  /** Starts the servers, the proxies (for {@code path=proxy}) and the two client connections. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    echo = serve(s -> {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    });
    sink = serve(s -> {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[65536];
      long got = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        got += n;
        if (got >= UPLOAD) {
          got -= UPLOAD;
          out.write(1);
        }
      }
    });
    int echoPort = echo.getLocalPort();
    int sinkPort = sink.getLocalPort();
    if (path.equals("proxy") || path.equals("toxics")) {
      String toxics = path.equals("toxics") ? "upstream: " + NEUTRAL_TOXICS + "; downstream: " + NEUTRAL_TOXICS : "";
      echoProxy = FaultProxy.builder().upstream("127.0.0.1", echoPort).toxics(toxics).seed(1).log(line -> {})
          .start();
      sinkProxy = FaultProxy.builder().upstream("127.0.0.1", sinkPort).toxics(toxics).seed(1).log(line -> {})
          .start();
      echoPort = echoProxy.port();
      sinkPort = sinkProxy.port();
    } else if (!path.equals("direct")) {
      throw new IllegalArgumentException("path must be direct, proxy or toxics, got " + path);
    }
    echoClient = connect(echoPort);
    sinkClient = connect(sinkPort);
    for (int i = 0; i < idle; i++) {
      Socket s = connect(echoPort);
      s.getOutputStream().write(1); // through the proxy to the server and back: the connection is fully open
      if (s.getInputStream().read() != 1) {
        throw new IllegalStateException("idle connection " + i + " did not echo");
      }
      idleClients.add(s);
    }
  }

  private interface Handler {
    void handle(Socket s) throws IOException;
  }

  private ServerSocket serve(Handler handler) throws IOException {
    ServerSocket server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    servers.add(Thread.ofPlatform().daemon(true).start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          s.setTcpNoDelay(true);
          Thread.ofPlatform().daemon(true).start(() -> {
            try (s) {
              handler.handle(s);
            } catch (IOException e) {
              // the trial is over
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    }));
    return server;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setTcpNoDelay(true);
    return s;
  }

  /** Closes the clients, the proxies and the servers. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    echoClient.close();
    sinkClient.close();
    for (Socket s : idleClients) {
      s.close();
    }
    idleClients.clear();
    if (echoProxy != null) {
      echoProxy.close();
      sinkProxy.close();
    }
    echo.close();
    sink.close();
  }

  /** One 64-byte round trip. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public byte[] roundTrip() throws IOException {
    echoClient.getOutputStream().write(small);
    if (echoClient.getInputStream().readNBytes(smallIn, 0, 64) != 64) {
      throw new IllegalStateException("echo ended early");
    }
    return smallIn;
  }

  /** One MiB up, one byte back. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int upload() throws IOException {
    sinkClient.getOutputStream().write(big);
    int ack = sinkClient.getInputStream().read();
    if (ack != 1) {
      throw new IllegalStateException("expected the sink's acknowledgement 1, got " + ack);
    }
    return ack;
  }
}
