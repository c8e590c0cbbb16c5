package io.weft.sim.net;

import io.weft.Api;
import io.weft.ContextVar;
import io.weft.EventLoop;
import io.weft.internal.Kernel;
import io.weft.spi.Network;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory {@link Network} on virtual time: named hosts, TCP connections as pairs of bounded byte streams, UDP
 * datagrams, and a name table, watched by a {@link VirtualPoller} so the loop's ordinary poll path sees readiness.
 *
 * <h2>What it models</h2>
 *
 * <p>A perfect network with the limits a program can observe on a real one:
 * <ul>
 *   <li><b>Hosts.</b> {@link #addHost} adds a named host with an address (10.0.0.1, 10.0.0.2, ... unless given);
 *       the network starts with one, {@value #FIRST_HOST}, the current host wherever no other was
 *       {@linkplain SimHost#makeCurrent made current}. Loopback reaches the host itself.
 *   <li><b>Buffers.</b> Each direction of a connection has the sender's send buffer and the receiver's receive
 *       buffer ({@code SO_SNDBUF}, {@code SO_RCVBUF}; 64 KiB each by default). A writer whose reader does not read
 *       has writes taken until both are full, then {@code write} returns 0: backpressure as on a real socket.
 *   <li><b>Latency.</b> Everything sent (a handshake message, a segment, a FIN or RST, a datagram) arrives after its
 *       link's delay ({@link #setLatency}; 0 by default), as a timer on the loop's virtual clock. A stream never
 *       overtakes itself: the FIN arrives after the data before it.
 *   <li><b>Connections.</b> A connect to a port nobody listens on is refused ({@code ConnectException} from
 *       {@code finishConnect}); to an address no host has, unreachable. An accept queue holds {@code backlog}
 *       connections; a connect beyond it is refused (Linux with {@code tcp_abort_on_overflow = 1}: a refusal, where
 *       Linux's default retries silently). Close sends a FIN after the data; closing with unread data, or abort,
 *       sends a RST, which drops what is in flight and what the peer has not read, and makes the peer's next read
 *       throw "Connection reset". Data arriving at a closed socket is answered with a RST.
 *   <li><b>Datagrams</b> up to {@link #maxDatagramSize()} bytes (65,507 by default); a larger send throws naming both
 *       sizes. A datagram finding the receiver's buffer full is dropped.
 *   <li><b>Names.</b> {@link #resolve} answers from the name table (host names and {@link #addName aliases},
 *       {@code localhost}, literal addresses) at once.
 *   <li><b>Unix-domain streams</b> on a per-host path table: a connect completes or is refused at once; an abort
 *       closes (the peer reads EOF) unless this side left data unread, which resets the peer. No Unix datagrams.
 * </ul>
 *
 * <h2>Determinism</h2>
 *
 * <p>Nothing here reads real time or iterates an identity-hashed collection: ports and ids are allocated in order,
 * hosts and sockets are kept in lists or tables keyed by value. Every delivery is a loop timer, traced on a simulated
 * loop as a {@code net} event (kind, connection, bytes), so the same schedule gives the same trace and hash.
 *
 * <h2>Where faults plug in</h2>
 *
 * <p>A fault plan set with {@link #setFaults} ({@link NetFaults}; the {@code fault} module makes them) is asked at
 * everything sent: a stream's segments may take longer, a datagram may be dropped, duplicated or delayed past the
 * next one. Each such fault is a decision of the run's scheduling strategy whose alternative 0 is this perfect
 * network's behaviour, so faults replay exactly and shrink away; without a plan nothing is asked.
 *
 * <p>Not thread-safe: one loop's thread uses a network, and the first loop that runs an operation with this network's
 * poller owns it. {@link #openSockets()} and {@link #openSocketReports()} say what is still open; a simulation fails a
 * run that leaves sockets open.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class SimNetwork implements Network {

  /** The name of the host every network starts with. */
  public static final String FIRST_HOST = "localhost-1";
  /** The default send and receive buffer size, in bytes. */
  public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
  /** The largest UDP payload over IPv4, the default datagram limit. */
  public static final int DEFAULT_MAX_DATAGRAM = 65_507;

  private final VirtualPoller poller;
  private final Opening opening = new Opening(this);
  private final ContextVar<SimHost> currentHost = new ContextVar<>("weft.sim.host");
  // Hosts in the order they were added; the tables below are looked up by value, never iterated.
  private final List<SimHost> hosts = new ArrayList<>();
  private final Map<String, SimHost> names = new HashMap<>();
  private final Map<InetAddress, SimHost> addresses = new HashMap<>();
  // Per-link latency by the pair of host indexes (lower << 32 | higher); links not here have the default.
  private final Map<Long, Long> linkLatency = new HashMap<>();
  private long defaultLatencyNanos;
  private NetFaults faults; // null: the perfect network
  private final Partitions partitions = new Partitions(this);
  private long connectTimeoutNanos = 127_000_000_000L; // Linux's: 6 SYN retries, 1 + 2 + ... + 64 s
  private final Bandwidth bandwidth = new Bandwidth(this);
  private int sendBufferSize = DEFAULT_BUFFER_SIZE;
  private int receiveBufferSize = DEFAULT_BUFFER_SIZE;
  private int maxDatagramSize = DEFAULT_MAX_DATAGRAM;
  private long nextSocketId = 1;
  private long nextFlowId = 1;
  private EventLoop loop;
  // Invariant: the sockets made and not yet closed, in the order they were made (a linked set: iterated in that order).
  private final LinkedHashSet<SimSocket> open = new LinkedHashSet<>();

  /** Creates a network with one host, {@value #FIRST_HOST}, whose sockets {@code poller} watches. */
  public SimNetwork(VirtualPoller poller) {
    this.poller = Objects.requireNonNull(poller, "poller must not be null");
    addHost(FIRST_HOST);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Hosts, names, settings
  // ------------------------------------------------------------------------------------------------------------

  /** Adds a host named {@code name} with the next free address 10.0.x.y (the n-th host gets 10.0.0.n). */
  public SimHost addHost(String name) {
    int n = hosts.size() + 1;
    return addHost(name, InetAddress.ofLiteral("10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff)));
  }

  /**
   * Adds a host named {@code name} with {@code address}.
   *
   * @throws IllegalArgumentException if the name or the address is taken, or the address is loopback or wildcard
   */
  public SimHost addHost(String name, InetAddress address) {
    String key = SimHost.requireName(name).toLowerCase(Locale.ROOT);
    Objects.requireNonNull(address, "address must not be null");
    if (names.containsKey(key)) {
      throw new IllegalArgumentException("a host or name \"" + name + "\" exists already: " + names.get(key));
    }
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || addresses.containsKey(address)) {
      throw new IllegalArgumentException("address " + address.getHostAddress() + " is loopback, wildcard or taken");
    }
    SimHost h = new SimHost(this, name, address, hosts.size());
    hosts.add(h);
    names.put(key, h);
    addresses.put(address, h);
    return h;
  }

  /** Adds {@code name} to the name table, resolving to {@code host}'s address. */
  public void addName(String name, SimHost host) {
    String key = SimHost.requireName(name).toLowerCase(Locale.ROOT);
    requireOwn(host);
    if (names.containsKey(key)) {
      throw new IllegalArgumentException("the name \"" + name + "\" resolves already, to " + names.get(key));
    }
    names.put(key, host);
  }

  /**
   * Returns the host named {@code name}.
   *
   * @throws IllegalArgumentException naming the hosts there are, if none has that name
   */
  public SimHost host(String name) {
    SimHost h = names.get(Objects.requireNonNull(name, "name must not be null").toLowerCase(Locale.ROOT));
    if (h == null) {
      throw new IllegalArgumentException("no host named \"" + name + "\"; hosts: " + hosts);
    }
    return h;
  }

  /** Returns the hosts, in the order they were added. */
  public List<SimHost> hosts() {
    return List.copyOf(hosts);
  }

  /** Returns the host sockets are opened on in the caller's context: the one made current, else the first host. */
  public SimHost currentHost() {
    return currentHost.get(hosts.get(0));
  }

  /** Sets the latency of every link without one of its own (0 at first). */
  public void setLatency(Duration latency) {
    defaultLatencyNanos = requireLatency(latency);
  }

  /** Sets the latency between {@code a} and {@code b}, both ways ({@code a == b}: a host's own loopback). */
  public void setLatency(SimHost a, SimHost b, Duration latency) {
    requireOwn(a);
    requireOwn(b);
    linkLatency.put(linkKey(a, b), requireLatency(latency));
  }

  /** Returns the latency between {@code a} and {@code b}. */
  public Duration latency(SimHost a, SimHost b) {
    return Duration.ofNanos(latencyNanos(a, b));
  }

  /**
   * Sets the send and receive buffer sizes of sockets opened from now on ({@code SO_SNDBUF} and {@code SO_RCVBUF}
   * change one socket's).
   */
  public void setBufferSizes(int send, int receive) {
    if (send <= 0 || receive <= 0) {
      throw new IllegalArgumentException("buffer sizes must be > 0, got send " + send + ", receive " + receive);
    }
    sendBufferSize = send;
    receiveBufferSize = receive;
  }

  /** Sets the largest datagram a send accepts, in bytes. */
  public void setMaxDatagramSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the datagram limit must be > 0, got " + bytes);
    }
    maxDatagramSize = bytes;
  }

  /** Returns the largest datagram a send accepts, in bytes. */
  public int maxDatagramSize() {
    return maxDatagramSize;
  }

  private static long requireLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency must not be null");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must be >= 0, got " + latency);
    }
    return latency.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : latency.toNanos();
  }

  private void requireOwn(SimHost h) {
    Objects.requireNonNull(h, "host must not be null");
    if (h.network() != this) {
      throw new IllegalArgumentException("host " + h + " belongs to another network");
    }
  }

  private static long linkKey(SimHost a, SimHost b) {
    return ((long) Math.min(a.index, b.index) << 32) | Math.max(a.index, b.index);
  }

  private long latencyNanos(SimHost from, SimHost to) {
    if (from == null || to == null) {
      return defaultLatencyNanos;
    }
    Long l = linkLatency.get(linkKey(from, to));
    return l != null ? l : defaultLatencyNanos;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Network, on the current host
  // ------------------------------------------------------------------------------------------------------------

  @Override
  public StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
    return opening.connect(currentHost(), remote, local);
  }

  @Override
  public ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
      throws IOException {
    return opening.listen(currentHost(), local, backlog, reuseAddress, reusePort);
  }

  @Override
  public DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast) throws IOException {
    return opening.openDatagram(currentHost(), local, remote, broadcast);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    Objects.requireNonNull(host, "host must not be null");
    requirePort(port);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    InetAddress literal = literal(host);
    if (literal != null) {
      return List.of(new InetSocketAddress(literal, port));
    }
    String key = host.toLowerCase(Locale.ROOT);
    if (key.equals("localhost")) {
      return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
    SimHost h = names.get(key);
    if (h == null) {
      throw new UnknownHostException(host + ": not in the simulated network's name table");
    }
    return List.of(new InetSocketAddress(h.address(), port));
  }

  @Override
  public boolean resolvesWithoutBlocking() {
    return true;
  }

  private static InetAddress literal(String host) {
    try {
      return InetAddress.ofLiteral(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
          : host);
    } catch (IllegalArgumentException notLiteral) {
      return null;
    }
  }

  private static void requirePort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0-65535, got " + port);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Deliveries
  // ------------------------------------------------------------------------------------------------------------

  /**
   * How long what {@code from} sends to {@code to} (null: an address no host has) takes to arrive: the one decision
   * of this perfect network, the link's latency. The fault module asks the strategy here (alternative 0: this).
   */
  long deliveryDelayNanos(SimHost from, SimHost to) {
    return latencyNanos(from, to);
  }

  /**
   * Sets the fault plan this network asks at everything it sends, or {@code null} for none (the default): see
   * {@link NetFaults}. Its decisions are the run's choices, so set it before the program sends anything, in every
   * run alike (at the start of the simulated program).
   */
  public void setFaults(NetFaults faults) {
    this.faults = faults;
  }

  /** Returns the fault plan set with {@link #setFaults}, or {@code null}. */
  public NetFaults faults() {
    return faults;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Partitions
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Partitions {@code a} and {@code b} in both directions until {@link #heal} (a scripted fault). What crosses the
   * link while it is partitioned, including what was already in flight: a stream's segments are held and arrive,
   * in order, after the heal (TCP retransmits) unless the {@linkplain #setStreamTimeout stream timeout} passes first;
   * datagrams are dropped.
   */
  public void partition(SimHost a, SimHost b) {
    partitions.start(a, b, true, Long.MAX_VALUE, 0, false);
  }

  /**
   * Partitions {@code a} and {@code b} in both directions for {@code duration} of virtual time, then heals; see
   * {@link #partition(SimHost, SimHost)}.
   */
  public void partition(SimHost a, SimHost b, java.time.Duration duration) {
    partitions.start(a, b, true, positiveNanos(duration), 0, false);
  }

  /**
   * Clogs the link {@code from -> to} for {@code duration} (turmoil's "hold"): nothing on it arrives meanwhile, and
   * everything arrives, in order per stream, one link delay after the clog ends, datagrams included (a partition
   * loses them). {@link #heal} ends it early. One direction; clog the other too for both.
   */
  public void clog(SimHost from, SimHost to, java.time.Duration duration) {
    partitions.start(from, to, false, positiveNanos(duration), 0, true);
  }

  /** Partitions one direction only, {@code from -> to}, until {@link #heal}: {@code to} still reaches {@code from}. */
  public void partitionOneWay(SimHost from, SimHost to) {
    partitions.start(from, to, false, Long.MAX_VALUE, 0, false);
  }

  /** Heals the partition between {@code a} and {@code b}, both directions; what it held moves on. */
  public void heal(SimHost a, SimHost b) {
    Objects.requireNonNull(a, "a must not be null");
    Objects.requireNonNull(b, "b must not be null");
    boolean was = partitions.unblock(a, b) | partitions.unblock(b, a);
    if (was) {
      partitions.healed(0);
    }
  }

  /** Heals every partition. */
  public void healAll() {
    if (partitions.unblockAll() > 0) {
      partitions.healed(0);
    }
  }

  /** Returns whether what {@code from} sends to {@code to} is stopped by a partition now. */
  public boolean isPartitioned(SimHost from, SimHost to) {
    return partitioned(from, to);
  }

  /**
   * Sets how long a connection's data may wait behind a partition before the connection gives up (TCP's retransmission
   * timeout, about 15 minutes on Linux by default): the sender's end then fails with "Connection timed out" (a
   * connect with a {@link java.net.SocketTimeoutException}). As on Linux, no RST is sent: the peer's end stays open
   * (a half-open connection) until it sends after the heal and is answered with a reset. {@code null} or zero (the
   * default) waits for the heal however long it takes.
   */
  public void setStreamTimeout(java.time.Duration timeout) {
    partitions.streamTimeoutNanos(timeout == null ? 0 : positiveNanos(timeout), false);
  }

  /**
   * As {@link #setStreamTimeout(java.time.Duration)}, but a connection that gives up behind a partition is reset at
   * both ends at once ("Connection reset by peer" on each), as a stateful middlebox (a load balancer or NAT that
   * drops the connection and answers both sides with RST) does, instead of failing at the sender alone.
   */
  public void setStreamTimeoutWithReset(java.time.Duration timeout) {
    partitions.streamTimeoutNanos(positiveNanos(timeout), true);
  }

  /**
   * Sets how long a connect whose SYN gets no answer (the plan's {@code connect_timeout} fault) waits before it
   * fails with a {@link java.net.SocketTimeoutException}: 127 s by default, Linux's (6 SYN retries).
   */
  public void setConnectTimeout(java.time.Duration timeout) {
    connectTimeoutNanos = positiveNanos(timeout);
  }

  private static long positiveNanos(java.time.Duration d) {
    Objects.requireNonNull(d, "duration must not be null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + d);
    }
    return d.toNanos();
  }

  boolean partitioned(SimHost from, SimHost to) {
    return partitions.blocks(from, to, now());
  }

  /** Notes a flow whose segments wait behind a partition; see {@link Partitions#hold}. */
  void hold(Flow flow) {
    partitions.hold(flow);
  }

  /** Asks the fault plan whether this send partitions or clogs its link; if so, does it (traced). */
  private void maybePartition(NetFaults.Send send, SimHost from, SimHost to) {
    if (to == null || from == to || partitioned(from, to)) {
      return;
    }
    NetFaults.Partition p = faults.partition(send, chooser);
    if (p != null) {
      partitions.start(from, to, p.bothWays(), p.nanos(), send.id(), p.clog());
    }
  }

  /** Asks the fault plan whether the sender crashes as it sends this; if so, crashes it just after (traced). */
  private void maybeCrash(NetFaults.Send send, SimHost from) {
    if (from == null || !from.isUp()) {
      return;
    }
    long restartAfter = faults.crashNanos(send, chooser);
    if (restartAfter < 0) {
      throw new IllegalStateException("the fault plan returned a negative restart delay, " + restartAfter + " ns");
    }
    if (restartAfter > 0) {
      schedule(0, () -> from.crashFor(restartAfter), Segment.Kind.CRASH.event(from.index, 0));
    }
  }

  private NetFaults.Send sendOf(NetFaults.Kind kind, SimHost from, SimHost to, long id, int bytes) {
    return new NetFaults.Send(kind, from == null ? "?" : from.name(), to == null ? null : to.name(), id, bytes,
        deliveryDelayNanos(from, to), now());
  }

  /** A data segment of {@code flow}, with the site of the user's write if it is being sent during one. */
  private NetFaults.Send segmentOf(Flow flow, int bytes) {
    NetFaults.Send s = sendOf(NetFaults.Kind.SEGMENT, flow.fromHost, flow.toHost, flow.id, bytes);
    if (!flow.writing) {
      return s;
    }
    return new NetFaults.Send(s.kind(), s.from(), s.to(), s.id(), s.bytes(), s.baseDelayNanos(), s.nowNanos(),
        () -> io.weft.internal.CallSite.below(Flow.class.getName(), "write"));
  }

  /** The pieces a data segment of {@code flow} is delivered in, or null for whole (always whole without a plan). */
  int[] slices(Flow flow, int bytes) {
    if (faults == null || flow.toHost == null) {
      return null;
    }
    int[] pieces = faults.slices(segmentOf(flow, bytes), chooser);
    if (pieces != null) {
      long sum = 0;
      for (int p : pieces) {
        if (p < 1) {
          throw new IllegalStateException("the fault plan sliced " + bytes + " bytes into a piece of " + p);
        }
        sum += p;
      }
      if (sum != bytes) {
        throw new IllegalStateException("the fault plan sliced " + bytes + " bytes into pieces summing to " + sum);
      }
    }
    return pieces;
  }

  /** Whether the plan replaces a data segment of {@code flow} by a reset both ways. */
  boolean resetInstead(Flow flow, int bytes) {
    return faults != null && flow.toHost != null
        && faults.reset(segmentOf(flow, bytes), chooser);
  }

  /** The delay of something a stream sends: the link's latency, plus what the fault plan adds. */
  long streamDelayNanos(NetFaults.Kind kind, Flow flow, int bytes) {
    SimHost from = flow.fromHost;
    SimHost to = flow.toHost;
    if (faults == null) {
      return deliveryDelayNanos(from, to);
    }
    NetFaults.Send send = kind == NetFaults.Kind.SEGMENT ? segmentOf(flow, bytes)
        : sendOf(kind, from, to, flow.id, bytes);
    long base = send.baseDelayNanos();
    maybePartition(send, from, to);
    maybeCrash(send, from);
    long extra = faults.extraDelayNanos(send, chooser);
    if (extra < 0) {
      throw new IllegalStateException("the fault plan returned a negative delay, " + extra + " ns, for " + send);
    }
    return base + extra + bandwidth.delay(from, to, bytes);
  }


  private final NetFaults.Chooser chooser = (weights, describe) -> {
    if (weights.length < 2) {
      throw new IllegalArgumentException("a fault decision needs at least 2 alternatives, got " + weights.length);
    }
    return io.weft.internal.Kernel.get().chooseFault(loop(), weights, describe);
  };

  /** Asks the run's strategy for a fault decision (what a {@link NetFaults} is handed). */
  NetFaults.Chooser chooser() {
    return chooser;
  }

  /** A segment of {@code flow} arrives at its receiver's end. */
  void arrive(Flow flow, Segment s) {
    SimStreamSocket r = flow.receiver;
    switch (s.kind()) {
      case SYN -> synArrived(flow);
      case SYN_ACK -> r.connected();
      case REFUSED -> r.connectFailed(SimStreamSocket.State.REFUSED);
      case UNREACHABLE -> r.connectFailed(SimStreamSocket.State.UNREACHABLE);
      case DATA -> {
        if (r == null || r.state() == SimStreamSocket.State.RESET) {
          return; // dropped
        }
        if (r.state() == SimStreamSocket.State.CLOSED) {
          r.arrivedAfterClose();
          return;
        }
        flow.receiveBuffer.put(s.data());
        r.refresh();
      }
      case FIN -> {
        flow.fin = Flow.Fin.ARRIVED;
        if (r != null) {
          r.refresh();
        }
      }
      case RST -> {
        if (r != null) {
          r.reset();
        }
      }
      case DATAGRAM -> throw new AssertionError("a datagram on a stream");
    }
  }

  private void synArrived(Flow flow) {
    SimStreamSocket client = flow.sender;
    SimHost host = flow.toHost;
    if (faults != null && faults.blackhole(sendOf(NetFaults.Kind.HANDSHAKE, flow.fromHost, flow.toHost, flow.id, 0),
        chooser)) {
      // no answer: TCP retries the SYN until it gives up (Linux: 6 retries, 127 s), then the connect times out
      schedule(connectTimeoutNanos, client::timedOut, Segment.Kind.TIMEOUT.event(flow.id, 0));
      return;
    }
    SimListenSocket l = host.listenerFor((InetSocketAddress) client.remote);
    if (l == null || l.queueFull() || (faults != null && faults.refuse(
        sendOf(NetFaults.Kind.HANDSHAKE, flow.fromHost, flow.toHost, flow.id, 0), chooser))) {
      flow.reverse.send(Segment.Kind.REFUSED, Segment.NONE);
      return;
    }
    SimStreamSocket server = new SimStreamSocket(this, host, client.remote, client.local, flow.reverse, flow, true);
    long acceptDelay = faults == null ? 0
        : faults.acceptDelayNanos(sendOf(NetFaults.Kind.HANDSHAKE, flow.fromHost, flow.toHost, flow.id, 0), chooser);
    if (acceptDelay < 0) {
      throw new IllegalStateException("the fault plan returned a negative accept delay, " + acceptDelay + " ns");
    }
    if (acceptDelay > 0) {
      l.enqueueAfter(server, acceptDelay, Segment.Kind.ACCEPT.event(flow.id, 0));
    } else {
      l.enqueue(server);
    }
    flow.reverse.send(Segment.Kind.SYN_ACK, Segment.NONE);
  }

  void sendDatagram(SimDatagramSocket from, InetSocketAddress to, byte[] data) {
    SimHost target = to.getAddress().isLoopbackAddress() ? from.host : hostAt(to.getAddress());
    InetSocketAddress source = from.sourceFor(to);
    if (faults == null) {
      deliverDatagram(from, to, target, source, data, deliveryDelayNanos(from.host, target));
      return;
    }
    NetFaults.Send send = sendOf(NetFaults.Kind.DATAGRAM, from.host, target, from.id, data.length);
    long base = send.baseDelayNanos();
    maybePartition(send, from.host, target);
    maybeCrash(send, from.host);
    long[] delays = faults.datagramDelays(send, chooser);
    byte[] payload = delays.length == 0 ? data : faults.corrupt(send, data, chooser);
    if (payload == null || payload.length != data.length) {
      throw new IllegalStateException("the fault plan's corruption must keep the datagram's size, " + data.length
          + " bytes");
    }
    for (long extra : delays) {
      if (extra < 0) {
        throw new IllegalStateException("the fault plan returned a negative delay, " + extra + " ns, for " + send);
      }
      deliverDatagram(from, to, target, source, payload, base + extra + bandwidth.delay(from.host, target,
          payload.length));
    }
  }

  private void deliverDatagram(SimDatagramSocket from, InetSocketAddress to, SimHost target,
      InetSocketAddress source, byte[] data, long delayNanos) {
    schedule(delayNanos, () -> {
      if (partitions.clogs(from.host, target, now())) {
        // a datagram that meets a clog waits for its end
        partitions.holdDatagram(new Partitions.HeldDatagram(from.host, target,
            () -> deliverDatagram(from, to, target, source, data, 0)));
        return;
      }
      if (partitioned(from.host, target)) {
        return; // a datagram that meets a partition is lost
      }
      SimDatagramSocket r = target == null ? null : target.datagramSocketFor(to);
      if (r != null) {
        r.arrive(source, data);
      } else if (target != null) {
        schedule(deliveryDelayNanos(target, from.host), () -> from.unreachable(to),
            Segment.Kind.UNREACHABLE.event(from.id, 0));
      }
    }, Segment.Kind.DATAGRAM.event(from.id, data.length));
  }

  // ------------------------------------------------------------------------------------------------------------
  // For the sockets
  // ------------------------------------------------------------------------------------------------------------

  Opening opening() {
    return opening;
  }

  SimHost hostAt(InetAddress address) {
    return addresses.get(address);
  }

  long nextFlowId() {
    return nextFlowId++;
  }

  /** Fails unless a loop can deliver this network's segments (see {@link #schedule}). */
  void requireLoop() {
    loop();
  }

  VirtualPoller poller() {
    return poller;
  }

  ContextVar<SimHost> hostVar() {
    return currentHost;
  }

  long now() {
    return poller.clock().nanoTime();
  }

  long nextSocketId() {
    return nextSocketId++;
  }

  int sendBufferSize() {
    return sendBufferSize;
  }

  int receiveBufferSize() {
    return receiveBufferSize;
  }

  /**
   * Runs {@code delivery} on the loop after {@code delayNanos}, traced as {@code event}; once the loop is closed,
   * nothing can observe a delivery, and none is scheduled.
   */
  void schedule(long delayNanos, Runnable delivery, long event) {
    EventLoop l = loop();
    if (!l.isClosed()) {
      Kernel.get().networkTimer(l, delayNanos, delivery, event);
    }
  }

  /** The loop whose poller watches this network's sockets: the first such loop that ran an operation. */
  private EventLoop loop() {
    EventLoop running = EventLoop.running();
    if (running != null && running.poller() == poller) {
      if (loop == null) {
        loop = running;
      } else if (loop != running) {
        throw new IllegalStateException("this simulated network belongs to " + loop + ", not to " + running);
      }
    }
    if (loop == null) {
      throw new IllegalStateException("the simulated network delivers through the timers of the loop that watches its"
          + " sockets: call it from that loop first (no loop with its poller is running here)");
    }
    return loop;
  }

  /** Returns how many sockets of this network are open: a test that closed what it opened sees 0. */
  public int openSockets() {
    return open.size();
  }

  /**
   * Describes each open socket, in the order they were opened: kind, id, host, addresses and where user code opened
   * it ({@code stream#3@localhost-1 10.0.0.1:32768 -> 10.0.0.2:7, opened at EchoClient.run:42}).
   */
  public List<String> openSocketReports() {
    List<String> out = new ArrayList<>();
    for (SimSocket s : open) {
      out.add(s.report());
    }
    return out;
  }

  void opened(SimSocket s) {
    open.add(s);
  }

  /** The open sockets of {@code host}, in the order they were opened. */
  List<SimSocket> openSocketsOn(SimHost host) {
    List<SimSocket> out = new ArrayList<>();
    for (SimSocket s : open) {
      if (s.host == host) {
        out.add(s);
      }
    }
    return out;
  }

  /** Traces a host event (a crash or restart) as a network event of {@code kind}. */
  void traceHost(Segment.Kind kind, SimHost host) {
    schedule(0, () -> { }, kind.event(host.index, 0));
  }

  void closed(SimSocket s) {
    open.remove(s);
  }

  /** Checks every open socket's invariants (buffers, flows, queues); tests call it after a run. */
  void checkInvariants() {
    for (SimSocket s : open) {
      s.checkInvariants();
    }
  }

  @Override
  public String toString() {
    return "SimNetwork[hosts " + hosts + "]";
  }
}
