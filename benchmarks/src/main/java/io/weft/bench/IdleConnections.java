package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.tls.Tls;
import io.weft.net.tls.TlsOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue-9 case "idle connections": memory per idle TCP connection, the same workload as the project anchor's
 * {@code idle_conns} ({@code benchmarks/anchors/py_bench_net.py}). A plain main, not JMH: the figure is a memory
 * delta, measured once per process.
 *
 * <p>One production loop ({@code EventLoop.create()}) serves 127.0.0.1 port 0 with a protocol that only counts its
 * connections, and opens {@code --conns} client connections to it, one after another, with a protocol that does
 * nothing: both ends are Weft transports, so 2 x conns transports and sockets. Once the server has seen every
 * connection made, nothing is sent and the loop is idle, the process forces a full GC and measures, against the
 * same measurement taken after the server was made and before the first connect:
 *
 * <ul>
 *   <li>{@code heap_kb_per_conn}: heap used after {@code System.gc()} ({@link MemoryMXBean}), delta / conns;
 *   <li>{@code rss_kb_per_conn}: {@code VmRSS} of {@code /proc/self/status} after that GC, delta / conns;
 *   <li>{@code peak_kb_per_conn}: {@code VmHWM} (peak RSS) minus the RSS before, / conns (the anchor's
 *       convention for its sleepers case).
 * </ul>
 *
 * <p>With {@code --tls} both ends speak TLS 1.3 ({@code io.weft.net.tls}, an RSA-2048 certificate from
 * {@link TlsKeys}; the server's protocol counts a connection once its handshake is done): the case
 * {@code idle_conns_tls}, the anchor's counterpart of the same name, for the memory TLS adds per idle connection.
 *
 * <p>With {@code -Dweft.bench.histogram=true} it also prints the live class histogram at the idle point to stderr.
 *
 * <p>A "connection" is one client transport plus the server transport it was accepted as (the anchor counts the
 * same way). Then it closes everything and checks that the process holds as many file descriptors as before the
 * first connect. Prints one line in the anchors' format: {@code case=idle_conns loop=weft n=... seconds=...
 * rate=... unit=connects/s peak_rss_mb=... heap_kb_per_conn=... rss_kb_per_conn=... peak_kb_per_conn=...}; the
 * rate is how fast the conns were opened (sequentially, resolution included), not a benchmark of its own.
 *
 * <p>Each end holds a file descriptor, so conns x 2 plus the JVM's own must fit the process's fd limit: the script
 * passes {@code --conns} accordingly.
 */
public final class IdleConnections {

  private IdleConnections() {}

  /** The server side: counts connections made and completes {@code all} when the expected number is reached. */
  static final class Counting implements Protocol {
    private final int[] made;
    private final int expected;
    private final Future<Void> all;

    Counting(int[] made, int expected, Future<Void> all) {
      this.made = made;
      this.expected = expected;
      this.all = all;
    }

    @Override
    public void connectionMade(Transport transport) {
      if (++made[0] == expected) {
        all.setResult(null);
      }
    }
  }

  /**
   * Runs the case.
   *
   * @param args {@code --conns N} (default 10,000; at least 1); {@code --tls} for TLS connections (case
   *     {@code idle_conns_tls}: TLS 1.3, RSA-2048, each connection handshaken before it counts)
   * @throws Exception if a connect fails or the fd count after closing differs from before
   */
  public static void main(String[] args) throws Exception {
    int conns = 10_000;
    boolean tls = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conns") && i + 1 < args.length) {
        conns = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--tls")) {
        tls = true;
      } else {
        throw new IllegalArgumentException("expected '--conns N' and/or '--tls', got '" + String.join(" ", args)
            + "'");
      }
    }
    if (conns < 1) {
      throw new IllegalArgumentException("--conns must be >= 1, got " + conns);
    }
    int n = conns;
    TlsKeys keys = tls ? TlsKeys.make() : null;
    EventLoop loop = SimWorkloads.production("create");
    String line;
    try {
      line = loop.runUntilComplete(() -> run(loop, n, keys));
    } finally {
      loop.close();
    }
    System.out.println(line);
  }

  private static String run(EventLoop loop, int conns, TlsKeys keys) throws IOException {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    Future<Void> all = loop.createFuture();
    int[] made = {0};
    Server server = keys == null
        ? Net.createServer(() -> new Counting(made, conns, all), "127.0.0.1", 0, 1024, true, true)
        : Tls.createServer(() -> new Counting(made, conns, all), "127.0.0.1", 0, TlsOptions.server(keys.server()));
    TlsOptions client = keys == null ? null : TlsOptions.client(keys.client());
    int port = EchoBench.port(server);
    int fds0 = fdCount();
    fullGc();
    long heap0 = mem.getHeapMemoryUsage().getUsed();
    long rss0 = status("VmRSS");
    long t0 = System.nanoTime();
    List<Transport> clients = new ArrayList<>(conns);
    for (int i = 0; i < conns; i++) {
      clients.add(client == null ? Net.createConnection(() -> new Protocol() {}, "127.0.0.1", port).transport()
          : Tls.createConnection(() -> new Protocol() {}, "127.0.0.1", port, client).transport());
    }
    all.await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    int fdsOpen = fdCount();
    fullGc();
    long heap1 = mem.getHeapMemoryUsage().getUsed();
    long rss1 = status("VmRSS");
    long hwm = status("VmHWM");
    if (Boolean.getBoolean("weft.bench.histogram")) {
      System.err.println(histogram());
    }
    for (Transport t : clients) {
      t.close();
    }
    server.close();
    server.waitClosed();
    for (int i = 0; i < 100 && fdCount() != fds0 - 1; i++) {
      io.weft.Weft.sleep(java.time.Duration.ofMillis(20)); // the clients' TLS close may end after the server's
    }
    int fds1 = fdCount();
    if (fdsOpen - fds0 != 2 * conns) {
      throw new IllegalStateException(
          "expected " + 2 * conns + " more fds with every connection open, got " + (fdsOpen - fds0));
    }
    if (fds1 != fds0 - 1) { // the listening socket is closed as well
      throw new IllegalStateException("fd leak: " + fds0 + " fds before the connects (listener included), "
          + fds1 + " after closing every connection and the listener (expected " + (fds0 - 1) + ")");
    }
    return String.format(Locale.ROOT,
        "case=%s loop=weft n=%d seconds=%.4f rate=%.0f unit=connects/s peak_rss_mb=%.1f"
            + " heap_kb_per_conn=%.3f rss_kb_per_conn=%.3f peak_kb_per_conn=%.3f base_rss_mb=%.1f"
            + " base_heap_mb=%.1f fds_open=%d fds_before=%d fds_after_close=%d",
        keys == null ? "idle_conns" : "idle_conns_tls", conns, seconds, conns / seconds, hwm / 1024.0,
        (heap1 - heap0) / 1024.0 / conns,
        (rss1 - rss0) / (double) conns, (hwm - rss0) / (double) conns, rss0 / 1024.0, heap0 / 1048576.0, fdsOpen,
        fds0, fds1);
  }

  /**
   * The live-object class histogram ({@code jcmd <pid> GC.class_histogram}), through the diagnostic-command MBean;
   * printed to stderr at the idle point when the system property {@code weft.bench.histogram} is true.
   */
  static String histogram() {
    try {
      return (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("GC.class_histogram failed", e);
    }
  }

  /** Two full collections, so that what is left is reachable. */
  private static void fullGc() {
    System.gc();
    System.gc();
  }

  /**
   * The number of this process's open file descriptors that are sockets, pipes or anonymous inodes (epoll, eventfd):
   * what a loop and its connections open. Files are left out, because other threads of the JVM (JFR's chunk files,
   * JMH's forked-VM plumbing) open and close those at any time; one that vanishes while being listed is skipped.
   */
  static int fdCount() throws IOException {
    int n = 0;
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          continue;
        }
        if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
          n++;
        }
      }
    }
    return n;
  }

  /** A {@code kB} field of {@code /proc/self/status}, such as {@code VmRSS}, in KiB. */
  static long status(String field) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no field " + field + " in /proc/self/status");
  }
}
