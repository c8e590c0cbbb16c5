package io.weft.fault.proxy;

import io.weft.Api;
import io.weft.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A loopback TCP proxy that puts faults between a real client and a real server, with Toxiproxy's model: it listens
 * on an address, connects each client it accepts to the upstream, pipes both directions with backpressure, and
 * applies each direction's {@link Toxic toxics} ({@link ToxicPlan}).
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.builder()
 *     .listen("127.0.0.1", 0).upstream("127.0.0.1", 5432)
 *     .toxics("downstream: latency=uniform(1ms,10ms), bandwidth=100KB/s; upstream: reset_peer=500ms @10%")
 *     .seed(42).start()) {
 *   String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test";   // the client talks to the proxy
 *   ...
 *   proxy.addToxic(Direction.DOWNSTREAM, Toxic.parse("timeout=2s"));        // from any thread, at any time
 * }
 * }</pre>
 *
 * <h2>Real time: not deterministic</h2>
 *
 * <p>The proxy runs on Weft's production loop, on a thread of its own, on real time and the machine's sockets. Its
 * decisions are drawn from a seeded generator ({@value ProxyServer#ALGORITHM}, one per connection, seeded with the
 * proxy's seed and the connection's number) and each is logged, so a run can be explained afterwards; but the
 * timing of a real client, server and kernel is not reproducible, so neither is a run. The deterministic tool is the
 * simulated network with a {@link io.weft.fault.FaultPlan}.
 *
 * <h2>Threads</h2>
 *
 * <p>Every method may be called from any thread except the proxy's own; the work stays on the proxy's loop thread.
 * Toxic changes reach the loop in the order they were made and apply to open connections too.
 *
 * <h2>Backpressure</h2>
 *
 * <p>A side that does not read stops the proxy reading from the other side: at most a write buffer's high-water
 * mark and a pipe's queue (64 KiB each) are held per direction; see {@code Pipe}.
 *
 * <h2>Stopping</h2>
 *
 * <p>{@link #close()} stops listening, resets every open connection (both sides get a RST) and returns once every
 * socket is closed and the loop thread has ended.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class FaultProxy implements AutoCloseable {

  /** Where a proxy is in its life. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public enum State {
    /** Listening and piping. */
    RUNNING,
    /** Stopped: nothing is open. */
    CLOSED
  }

  /** How long {@link #start} and {@link #close} wait for the loop thread. */
  static final long WAIT_SECONDS = 30;

  /** A proxy's settings, as the builder gathers them. */
  record Config(String listenHost, int listenPort, String upstreamHost, int upstreamPort, ToxicPlan toxics, long seed,
      Consumer<String> log) {}

  private final Config config;
  private final Thread thread;
  private final EventLoop loop;
  private final ProxyServer server;
  private final InetSocketAddress address;
  private final Object lock = new Object();
  // Invariant: plan is the last plan handed to the loop; guarded by lock, as is state.
  private ToxicPlan plan;
  private State state = State.RUNNING;
  private volatile List<ConnectionStats> finalStats; // written by the loop thread as it stops

  private FaultProxy(Config config) throws IOException {
    this.config = config;
    this.plan = config.toxics();
    this.loop = EventLoop.create();
    this.server = new ProxyServer(config, loop);
    loop.setExceptionHandler((l, context) -> config.log().accept("loop: " + context.format()));
    CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
    this.thread = Thread.ofPlatform().name("weft-fault-proxy").daemon(true).unstarted(() -> run(started));
    thread.start();
    try {
      this.address = started.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      joinQuietly();
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("fault proxy on " + config.listenHost() + ":" + config.listenPort()
          + " failed to start", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("fault proxy on " + config.listenHost() + ":" + config.listenPort()
          + " did not start within " + WAIT_SECONDS + " s", e);
    }
  }

  private void run(CompletableFuture<InetSocketAddress> started) {
    try {
      loop.runUntilComplete(() -> {
        server.serve(started);
        finalStats = server.stats();
        return null;
      });
    } catch (Throwable e) {
      if (!started.completeExceptionally(e)) {
        config.log().accept("proxy loop failed: " + e);
      }
    } finally {
      loop.close();
    }
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the address the proxy listens on (with the port chosen when 0 was asked for); never null. */
  public InetSocketAddress address() {
    return address;
  }

  /** Returns the port the proxy listens on. */
  public int port() {
    return address.getPort();
  }

  /** Returns the seed of the proxy's decisions (the one given, or the one chosen and logged at start). */
  public long seed() {
    return config.seed();
  }

  /** Returns the proxy's state. */
  public State state() {
    synchronized (lock) {
      return state;
    }
  }

  /** Returns the current toxics; never null. */
  public ToxicPlan toxics() {
    synchronized (lock) {
      return plan;
    }
  }

  /**
   * Replaces every toxic: open connections draw for the new toxics and drop the removed ones.
   *
   * @throws IllegalStateException once the proxy is closed
   */
  public void setToxics(ToxicPlan toxics) {
    Objects.requireNonNull(toxics, "toxics must not be null");
    synchronized (lock) {
      checkRunning("set toxics");
      plan = toxics;
      loop.callSoonThreadsafe(() -> server.setPlan(toxics));
    }
  }

  /** Adds {@code toxic} on {@code direction}, replacing the one of the same name; see {@link #setToxics}. */
  public void addToxic(Direction direction, Toxic toxic) {
    synchronized (lock) {
      setToxics(plan.with(direction, toxic));
    }
  }

  /**
   * Removes the toxic named {@code name} from {@code direction}; see {@link #setToxics}.
   *
   * @throws IllegalArgumentException naming the toxic if the direction has none of that name
   */
  public void removeToxic(Direction direction, String name) {
    synchronized (lock) {
      setToxics(plan.without(direction, name));
    }
  }

  /**
   * Returns the stats of the open connections and of the last ended ones, by number; after {@link #close()}, those
   * at the time it stopped.
   */
  public List<ConnectionStats> connections() {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return finalStats == null ? List.of() : finalStats;
      }
    }
    try {
      return onLoop("read the connections' stats", server::stats);
    } catch (IllegalStateException e) {
      synchronized (lock) {
        if (state == State.CLOSED && finalStats != null) {
          return finalStats; // closed while we asked
        }
      }
      throw e;
    }
  }

  /** Checks the invariants of every open connection, on the loop thread; for tests. */
  void checkInvariants() {
    onLoop("check invariants", () -> {
      server.checkInvariants();
      return null;
    });
  }

  private <T> T onLoop(String what, java.util.function.Supplier<T> action) {
    if (Thread.currentThread() == thread) {
      return action.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      loop.callSoonThreadsafe(() -> {
        try {
          result.complete(action.get());
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    } catch (IllegalStateException e) { // the loop closed meanwhile
      throw new IllegalStateException("could not " + what + ": the proxy on port " + port() + " has stopped", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    try {
      while (true) {
        try {
          return result.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (!thread.isAlive() || System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("could not " + what + " on the proxy's loop: "
                + (thread.isAlive() ? "no answer within " + WAIT_SECONDS + " s" : "the proxy has stopped"), e);
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not " + what + " on the proxy's loop", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what + " on the proxy's loop", e);
    }
  }

  /**
   * Stops the proxy: stops listening, resets every connection, and returns once every socket is closed and the
   * loop thread has ended. Idempotent.
   *
   * @throws IllegalStateException if called on the proxy's own thread
   */
  @Override
  public void close() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("close() would wait for the proxy's own thread; call it from another thread");
    }
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      if (!loop.isClosed()) {
        loop.callSoonThreadsafe(server::stop);
      }
    }
    joinQuietly();
  }

  private void joinQuietly() {
    try {
      if (!thread.join(java.time.Duration.ofSeconds(WAIT_SECONDS))) {
        config.log().accept("proxy thread still running " + WAIT_SECONDS + " s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkRunning(String what) {
    if (state != State.RUNNING) {
      throw new IllegalStateException("cannot " + what + ": the fault proxy on port " + port() + " is " + state);
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + state() + ", " + config.listenHost() + ":" + (address == null ? config.listenPort()
        : port()) + " -> " + config.upstreamHost() + ":" + config.upstreamPort() + ", seed " + config.seed() + ", "
        + toxics() + "]";
  }

  /** Gathers a proxy's settings; {@link #start()} opens it. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public static final class Builder {
    private String listenHost = "127.0.0.1";
    private int listenPort;
    private String upstreamHost;
    private int upstreamPort = -1;
    private ToxicPlan toxics = ToxicPlan.NONE;
    private Long seed;
    private Consumer<String> log = line -> System.err.println(Instant.now() + " weft-proxy: " + line);

    private Builder() {}

    /** Where to listen: a host and a port (0, the default, picks a free one); the default host is 127.0.0.1. */
    public Builder listen(String host, int port) {
      this.listenHost = Objects.requireNonNull(host, "host must not be null");
      this.listenPort = checkPort("listen port", port, 0);
      return this;
    }

    /** Where to connect each client: a host and a port in 1-65535; required. */
    public Builder upstream(String host, int port) {
      this.upstreamHost = Objects.requireNonNull(host, "host must not be null");
      this.upstreamPort = checkPort("upstream port", port, 1);
      return this;
    }

    /** The toxics at start; none by default. */
    public Builder toxics(ToxicPlan toxics) {
      this.toxics = Objects.requireNonNull(toxics, "toxics must not be null");
      return this;
    }

    /** The toxics at start, in their printable form ({@link ToxicPlan#parse}). */
    public Builder toxics(String toxics) {
      return toxics(ToxicPlan.parse(toxics));
    }

    /** The seed of the decisions; by default one is chosen at random and logged. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Where the log lines go (a line per connection event and toxic decision); by default standard error. */
    public Builder log(Consumer<String> log) {
      this.log = Objects.requireNonNull(log, "log must not be null");
      return this;
    }

    /**
     * Starts the proxy's loop thread and returns once it listens.
     *
     * @throws IllegalStateException if no upstream was given
     * @throws IOException if the listen address does not resolve or is in use; nothing is left open
     */
    public FaultProxy start() throws IOException {
      if (upstreamHost == null) {
        throw new IllegalStateException("a fault proxy needs an upstream: call upstream(host, port) before start()");
      }
      long s = seed != null ? seed : new SecureRandom().nextLong();
      return new FaultProxy(new Config(listenHost, listenPort, upstreamHost, upstreamPort, toxics, s, log));
    }

    private static int checkPort(String what, int port, int min) {
      if (port < min || port > 65535) {
        throw new IllegalArgumentException(what + " must be in " + min + "-65535, got " + port);
      }
      return port;
    }
  }
}
