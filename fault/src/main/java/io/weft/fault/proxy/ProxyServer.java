package io.weft.fault.proxy;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Net;
import io.weft.net.Server;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The loop side of a {@link FaultProxy}: the listening server, the open connections and the current plan. Loop
 * thread only; {@link FaultProxy} reaches it through {@code callSoonThreadsafe}.
 */
final class ProxyServer {

  /**
   * The generator every connection draws from: two per connection, seeded from the proxy's seed and the connection's
   * number, one for whether each toxic applies and one for the draws per chunk.
   */
  static final String ALGORITHM = "L64X128MixRandom";
  /** How many ended connections keep their stats. */
  static final int ENDED_KEPT = 1000;

  private final FaultProxy.Config config;
  private final EventLoop loop;
  private final Consumer<String> log;
  private ToxicPlan plan;
  private final Map<Long, ProxyConnection> open = new LinkedHashMap<>();
  private final ArrayDeque<ConnectionStats> ended = new ArrayDeque<>();
  private long nextId = 1;
  private Future<Void> stopSignal;
  private Future<Void> allFinished;

  ProxyServer(FaultProxy.Config config, EventLoop loop) {
    this.config = config;
    this.loop = loop;
    this.log = config.log();
    this.plan = config.toxics();
  }

  /** Listens, reports the address, and serves until {@link #stop()}; then resets every connection and returns. */
  void serve(CompletableFuture<InetSocketAddress> started) throws java.io.IOException {
    Server server = Net.createServer(() -> newConnection().clientProtocol(), config.listenHost(),
        config.listenPort());
    stopSignal = loop.createFuture();
    InetSocketAddress address = (InetSocketAddress) server.sockets().get(0).localAddress();
    log("listening on " + text(address) + ", upstream " + upstreamText() + ", seed " + config.seed() + " ("
        + ALGORITHM + "), toxics: " + plan);
    started.complete(address);
    try {
      stopSignal.await();
    } finally {
      server.close();
      allFinished = loop.createFuture();
      for (ProxyConnection c : new ArrayList<>(open.values())) {
        c.reset("proxy stopped");
      }
      if (open.isEmpty()) {
        allFinished.setResult(null);
      }
      allFinished.await();
      server.waitClosed();
      log("stopped");
    }
  }

  /** Asks {@link #serve} to end. */
  void stop() {
    if (stopSignal != null && !stopSignal.isDone()) {
      stopSignal.setResult(null);
    }
  }

  private ProxyConnection newConnection() {
    long id = nextId++;
    RandomGeneratorFactory<RandomGenerator> factory = RandomGeneratorFactory.of(ALGORITHM);
    long base = config.seed() + id * 0x9E3779B97F4A7C15L;
    ProxyConnection c = new ProxyConnection(id, this, loop, factory.create(base), factory.create(~base));
    open.put(id, c);
    return c;
  }

  /** A connection's transports are all gone. */
  void finished(ProxyConnection c) {
    open.remove(c.id);
    ended.add(c.stats());
    if (ended.size() > ENDED_KEPT) {
      ended.poll();
    }
    c.log("finished: " + c.stats());
    if (allFinished != null && open.isEmpty() && !allFinished.isDone()) {
      allFinished.setResult(null);
    }
  }

  /** Takes a new plan: every open connection draws for its new toxics and drops the removed ones. */
  void setPlan(ToxicPlan next) {
    log("toxics now: " + next);
    plan = next;
    for (ProxyConnection c : open.values()) {
      c.refresh(next);
    }
  }

  ToxicPlan plan() {
    return plan;
  }

  /** The ended connections (the last {@value #ENDED_KEPT}) then the open ones, by number. */
  List<ConnectionStats> stats() {
    List<ConnectionStats> all = new ArrayList<>(ended);
    open.values().forEach(c -> all.add(c.stats()));
    all.sort(java.util.Comparator.comparingLong(ConnectionStats::id));
    return all;
  }

  /** Checks every open connection's invariants; for tests. */
  void checkInvariants() {
    open.values().forEach(ProxyConnection::checkInvariants);
  }

  String upstreamHost() {
    return config.upstreamHost();
  }

  int upstreamPort() {
    return config.upstreamPort();
  }

  String upstreamText() {
    return config.upstreamHost() + ":" + config.upstreamPort();
  }

  void log(String line) {
    log.accept(line);
  }

  private static String text(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
