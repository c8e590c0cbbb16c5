package io.weft.fault.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy} on real loopback sockets: blocking {@link Socket} clients, a blocking {@link Upstream} server,
 * the proxy on its production loop between them. Times are asserted only as lower bounds (a toxic's delay is never
 * shorter than asked); the machine may be slow, so nothing asserts how fast.
 */
class FaultProxyTests {

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private Upstream upstream(Upstream.Handler handler) throws IOException {
    Upstream u = new Upstream(handler);
    resources.add(u);
    return u;
  }

  private FaultProxy proxy(Upstream upstream, String toxics) throws IOException {
    return proxy(upstream.port(), toxics, 42);
  }

  private FaultProxy proxy(int upstreamPort, String toxics, long seed) throws IOException {
    FaultProxy p = FaultProxy.builder().listen("127.0.0.1", 0).upstream("127.0.0.1", upstreamPort).toxics(toxics)
        .seed(seed).log(log::add).start();
    resources.add(() -> {
      if (p.state() == FaultProxy.State.RUNNING) {
        p.checkInvariants();
      }
      p.close();
    });
    return p;
  }

  private Socket connect(FaultProxy proxy) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(10_000);
    s.setTcpNoDelay(true);
    resources.add(s);
    return s;
  }

  private static byte[] readExactly(Socket s, int n) throws IOException {
    return s.getInputStream().readNBytes(n);
  }

  private static byte[] roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(UTF_8));
    return readExactly(s, text.length());
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Sends upon connecting {@code bytes} bytes, then waits for the client's EOF. */
  private static Upstream.Handler sender(int bytes) {
    return s -> {
      s.getOutputStream().write(new byte[bytes]);
      s.getInputStream().readAllBytes();
    };
  }

  @Nested
  class Piping {

    @Test
    void noToxics_bytesGoBothWaysUnchanged_andAreCounted() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "none");
      Socket s = connect(proxy);
      byte[] sent = new byte[300_000];
      new Random(1).nextBytes(sent);
      Thread writer = Thread.ofPlatform().start(() -> {
        try {
          s.getOutputStream().write(sent);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      byte[] got = readExactly(s, sent.length);
      writer.join();
      assertThat(got).isEqualTo(sent);
      await("the stats count every byte", () -> {
        ConnectionStats c = proxy.connections().getFirst();
        return c.upstreamIn() == sent.length && c.downstreamOut() == sent.length;
      });
      ConnectionStats c = proxy.connections().getFirst();
      assertThat(c.upstreamOut()).isEqualTo(sent.length);
      assertThat(c.downstreamIn()).isEqualTo(sent.length);
      assertThat(c.isOpen()).isTrue();
      assertThat(c.client()).startsWith("127.0.0.1:");
    }

    @Test
    void clientEof_reachesUpstream_andTheConnectionCloses() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "none");
      Socket s = connect(proxy);
      assertThat(roundTrip(s, "hello")).isEqualTo("hello".getBytes(UTF_8));
      s.shutdownOutput();
      assertThat(s.getInputStream().read()).isEqualTo(-1); // the echo server closed after our EOF
      await("the connection ends", () -> !proxy.connections().getFirst().isOpen());
      assertThat(proxy.connections().getFirst().endedBy()).isEqualTo("both sides ended their streams");
    }

    @Test
    void upstreamRefusing_closesTheClient_andLogsWhy() throws Exception {
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      FaultProxy proxy = proxy(port, "none", 1);
      Socket s = connect(proxy);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(log).anyMatch(l -> l.startsWith("conn 1 upstream 127.0.0.1:" + port + " failed: "));
    }

    @Test
    void aSilentUpstream_stopsTheProxyReadingTheClient_insteadOfBuffering() throws Exception {
      // The upstream never reads; the proxy must stop reading the client instead of holding what it sends.
      Object never = new Object();
      FaultProxy proxy = proxy(upstream(s -> {
        synchronized (never) {
          try {
            never.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }), "upstream: bandwidth=1MB/s");
      Socket s = connect(proxy);
      Thread writer = Thread.ofPlatform().daemon(true).start(() -> {
        try {
          s.getOutputStream().write(new byte[64 << 20]);
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      await("the proxy read something", () -> proxy.connections().getFirst().upstreamIn() > 0);
      long before = -1;
      for (int i = 0; i < 20; i++) { // until the proxy's reading settles: the upstream's buffers are full
        Thread.sleep(100);
        long now = proxy.connections().getFirst().upstreamIn();
        if (now == before) {
          break;
        }
        before = now;
      }
      ConnectionStats c = proxy.connections().getFirst();
      assertThat(writer.isAlive()).as("the client is blocked: the proxy stopped reading").isTrue();
      long held = c.upstreamIn() - c.upstreamOut() - c.upstreamDropped();
      assertThat(held).as("bytes queued in the proxy's pipe").isLessThanOrEqualTo(Pipe.HIGH_WATER + 256 * 1024);
      assertThat(c.upstreamIn()).isLessThan(64 << 20);
    }
  }

  @Nested
  class Toxics {

    @Test
    void latency_delaysEveryRoundTrip_byAtLeastTheDelay() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "downstream: latency=150ms");
      Socket s = connect(proxy);
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        assertThat(roundTrip(s, "ping" + i)).isEqualTo(("ping" + i).getBytes(UTF_8));
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(149);
      }
    }

    @Test
    void latencyDistribution_andJitter_neverGoBelowTheirMinimum() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO),
          "upstream: latency=uniform(60ms,120ms); downstream: latency=normal(80ms,0ms)");
      Socket s = connect(proxy);
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        roundTrip(s, "x");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(139);
      }
      assertThat(Toxic.latency(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(4)).toString())
          .isEqualTo("latency=uniform(6ms,14ms)");
    }

    @Test
    void bandwidth_limitsHowFastBytesArrive() throws Exception {
      FaultProxy proxy = proxy(upstream(sender(50_000)), "downstream: bandwidth=100KB/s");
      long start = System.nanoTime();
      Socket s = connect(proxy);
      assertThat(readExactly(s, 50_000)).hasSize(50_000);
      assertThat(millisSince(start)).as("50 KB at 100 KB/s takes 500 ms").isGreaterThanOrEqualTo(400);
    }

    @Test
    void slicer_deliversInPieces() throws Exception {
      FaultProxy proxy = proxy(upstream(sender(100)), "downstream: slicer=10B/0B/50ms");
      Socket s = connect(proxy);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1000];
      int total = 0;
      int reads = 0;
      long start = System.nanoTime();
      while (total < 100) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        assertThat(n).as("a read never holds more than what arrived").isLessThanOrEqualTo(100);
        total += n;
        reads++;
      }
      assertThat(total).isEqualTo(100);
      assertThat(reads).as("10 pieces of 10 bytes, 50 ms apart").isGreaterThanOrEqualTo(3);
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(440);
    }

    @Test
    void limitData_closesAfterExactlyThatMany() throws Exception {
      FaultProxy proxy = proxy(upstream(sender(1000)), "downstream: limit_data=100B");
      Socket s = connect(proxy);
      byte[] all = s.getInputStream().readAllBytes();
      assertThat(all).hasSize(100);
      await("the connection ends", () -> !proxy.connections().getFirst().isOpen());
      assertThat(proxy.connections().getFirst().endedBy()).isEqualTo("limit_data on downstream");
      assertThat(log).contains("conn 1 downstream limit_data: 100 bytes reached, closing");
    }

    @Test
    void resetPeer_givesTheClientAConnectionReset_afterTheDelay() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "upstream: reset_peer=300ms");
      Socket s = connect(proxy);
      long start = System.nanoTime();
      s.getOutputStream().write("hello".getBytes(UTF_8));
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(299);
      assertThat(proxy.connections().getFirst().upstreamDropped()).isEqualTo(5);
    }

    @Test
    void resetPeer_alsoResetsOnTheEndOfStream() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "upstream: reset_peer=0ms");
      Socket s = connect(proxy);
      s.shutdownOutput();
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
      assertThat(log).contains("conn 1 upstream reset_peer: end of stream, resetting in 0ms");
    }

    @Test
    void timeoutZero_stopsData_forever() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "downstream: timeout=0ms");
      Socket s = connect(proxy);
      s.getOutputStream().write("hello".getBytes(UTF_8));
      s.setSoTimeout(500);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      assertThat(proxy.connections().getFirst().downstreamDropped()).isEqualTo(5);
      assertThat(proxy.connections().getFirst().isOpen()).isTrue();
    }

    @Test
    void timeout_closesTheConnection_afterTheTime() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "upstream: timeout=300ms");
      long start = System.nanoTime();
      Socket s = connect(proxy);
      s.getOutputStream().write("hello".getBytes(UTF_8));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(299);
      assertThat(proxy.connections().getFirst().upstreamDropped()).isEqualTo(5);
    }

    @Test
    void slowClose_delaysTheEndOfStream() throws Exception {
      FaultProxy proxy = proxy(upstream(s -> s.getOutputStream().write("bye".getBytes(UTF_8))),
          "downstream: slow_close=300ms");
      long start = System.nanoTime();
      Socket s = connect(proxy);
      assertThat(readExactly(s, 3)).isEqualTo("bye".getBytes(UTF_8));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(299);
    }

    @Test
    void toxicityZero_neverApplies_andSaysSo() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO),
          "upstream: limit_data=0B @0%, reset_peer=0ms @0%; downstream: timeout=0ms @0%, latency=10s @0%");
      for (int i = 0; i < 5; i++) {
        Socket s = connect(proxy);
        assertThat(roundTrip(s, "still here")).isEqualTo("still here".getBytes(UTF_8));
      }
      assertThat(proxy.connections()).hasSize(5).allSatisfy(c -> assertThat(c.appliedToxics()).isEmpty());
      assertThat(log).filteredOn(l -> l.contains(": skipped (draw ")).hasSize(20);
      assertThat(log).noneMatch(l -> l.contains(": applies"));
    }
  }

  @Nested
  class Decisions {

    private Upstream lastUpstream;

    @Test
    void theSameSeed_drawsTheSameDecisions_perConnection() throws Exception {
      lastUpstream = upstream(Upstream.ECHO);
      List<String> first = decisionsOn(7);
      List<String> second = decisionsOn(7);
      assertThat(first).hasSize(24).isEqualTo(second);
      assertThat(first).anyMatch(l -> l.contains(": applies")).anyMatch(l -> l.contains(": skipped"));
    }

    @Test
    void anotherSeed_drawsOtherDecisions() throws Exception {
      lastUpstream = upstream(Upstream.ECHO);
      assertThat(decisionsOn(7)).isNotEqualTo(decisionsOn(8));
    }

    @Test
    void theSeed_isLoggedAtStart() throws Exception {
      FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", 9).log(log::add).start();
      resources.add(proxy);
      assertThat(log.getFirst()).contains("seed " + proxy.seed() + " (L64X128MixRandom)")
          .contains("listening on 127.0.0.1:" + proxy.port());
    }

    private List<String> decisionsOn(long seed) throws Exception {
      log.clear();
      FaultProxy proxy = proxy(lastUpstream.port(), "upstream: latency=1ms @50%, slicer=8B/0B/0ms @50%;"
          + " downstream: bandwidth=10MB/s @50%", seed);
      for (int i = 0; i < 8; i++) {
        Socket s = connect(proxy);
        roundTrip(s, "decide");
      }
      proxy.close();
      return log.stream().filter(l -> l.startsWith("conn ") && l.contains(" (draw ")).sorted().toList();
    }
  }

  @Nested
  class AtRuntime {

    @Test
    void aToxicAdded_appliesToAnOpenConnection_andRemovingItEndsTheLatency() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "none");
      Socket s = connect(proxy);
      roundTrip(s, "before");
      proxy.addToxic(Direction.DOWNSTREAM, Toxic.parse("latency=200ms"));
      await("the open connection drew for it", () -> !proxy.connections().getFirst().appliedToxics().isEmpty());
      long start = System.nanoTime();
      roundTrip(s, "during");
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(199);
      assertThat(proxy.toxics()).hasToString("downstream: latency=fixed(200ms)");

      proxy.removeToxic(Direction.DOWNSTREAM, "latency");
      assertThat(proxy.toxics()).isEqualTo(ToxicPlan.NONE);
      await("the removal reached the loop", () -> log.stream().anyMatch(l -> l.endsWith(": removed")));
      assertThat(roundTrip(s, "after")).isEqualTo("after".getBytes(UTF_8));
    }

    @Test
    void aTimeoutAdded_stopsData_andRemovingIt_closesTheConnectionItDroppedFrom() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "none");
      Socket s = connect(proxy);
      roundTrip(s, "before");
      proxy.addToxic(Direction.UPSTREAM, new Toxic.Timeout(0, 1));
      await("the open connection drew for it", () -> !proxy.connections().getFirst().appliedToxics().isEmpty());
      s.getOutputStream().write("lost".getBytes(UTF_8));
      s.setSoTimeout(300);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      proxy.removeToxic(Direction.UPSTREAM, "timeout");
      s.setSoTimeout(10_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      Socket fresh = connect(proxy);
      assertThat(roundTrip(fresh, "fresh")).isEqualTo("fresh".getBytes(UTF_8));
    }

    @Test
    void removingAToxicThatIsNotThere_isRefused_namingIt() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "downstream: latency=1ms");
      assertThatThrownBy(() -> proxy.removeToxic(Direction.DOWNSTREAM, "bandwidth"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no toxic named \"bandwidth\" on downstream, which has [latency=fixed(1ms)]");
      assertThat(proxy.toxics()).hasToString("downstream: latency=fixed(1ms)");
    }

    @Test
    void toxicsChangedFromManyThreads_allArrive() throws Exception {
      FaultProxy proxy = proxy(upstream(Upstream.ECHO), "none");
      List<Thread> threads = new ArrayList<>();
      String[] names = {"latency=1ms", "bandwidth=1MB/s", "slicer=64B/0B/0ms", "slow_close=1ms"};
      for (String n : names) {
        threads.add(Thread.ofPlatform().start(() -> proxy.addToxic(Direction.UPSTREAM, Toxic.parse(n))));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(proxy.toxics().toxics(Direction.UPSTREAM)).hasSize(4);
      Socket s = connect(proxy);
      assertThat(roundTrip(s, "sliced and slowed")).isEqualTo("sliced and slowed".getBytes(UTF_8));
      assertThat(proxy.connections().getFirst().appliedToxics()).hasSize(4);
    }
  }

  @Nested
  class Stopping {

    private long openFds() throws IOException {
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        return fds.count();
      }
    }

    @Test
    void close_endsEveryConnection_andLeavesNoSocket() throws Exception {
      Upstream upstream = upstream(Upstream.ECHO);
      long before = openFds();
      FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", upstream.port()).seed(3).log(log::add).start();
      List<Socket> clients = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        clients.add(s);
        roundTrip(s, "open " + i);
      }
      assertThat(openFds()).as("10 clients, 10 accepted, 10 upstream, 10 upstream accepted")
          .isGreaterThanOrEqualTo(before + 40);
      proxy.close();
      assertThat(proxy.state()).isEqualTo(FaultProxy.State.CLOSED);
      for (Socket s : clients) {
        try {
          assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException e) {
          assertThat(e).hasMessageContaining("reset");
        }
        s.close();
      }
      assertThat(proxy.connections()).hasSize(10).allSatisfy(c -> assertThat(c.endedBy()).isEqualTo("proxy stopped"));
      await("every descriptor is closed", () -> {
        try {
          return openFds() <= before + 4;
        } catch (IOException e) {
          return false;
        }
      });
      proxy.close(); // idempotent
      assertThatThrownBy(() -> proxy.addToxic(Direction.UPSTREAM, Toxic.parse("latency=1ms")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("is CLOSED");
    }

    @Test
    void aPortInUse_isABindException_andLeavesNothingRunning() throws Exception {
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        assertThatThrownBy(() -> FaultProxy.builder().listen("127.0.0.1", taken.getLocalPort())
            .upstream("127.0.0.1", 9).log(log::add).start()).isInstanceOf(java.net.BindException.class);
      }
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("weft-fault-proxy"));
    }
  }

  @Nested
  class BadInput {

    @Test
    void theBuilder_namesTheBadValue() {
      assertThatThrownBy(() -> FaultProxy.builder().upstream("127.0.0.1", 0))
          .hasMessage("upstream port must be in 1-65535, got 0");
      assertThatThrownBy(() -> FaultProxy.builder().listen("127.0.0.1", 70000))
          .hasMessage("listen port must be in 0-65535, got 70000");
      assertThatThrownBy(() -> FaultProxy.builder().start()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("needs an upstream");
      assertThatThrownBy(() -> FaultProxy.builder().toxics("sideways: latency=1ms"))
          .hasMessage("a direction is upstream or downstream, got \"sideways\"");
    }
  }
}
