package io.weft.sim.net;

import io.weft.Api;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A named machine of a {@link SimNetwork}: one address (and loopback, which reaches itself), its own TCP and UDP port
 * tables, and the sockets opened on it.
 *
 * <p>A host is also a {@link Network}: the sockets opened through it belong to it. Code that uses the loop's network
 * opens them on the {@linkplain SimNetwork#currentHost() current host}, which {@link #makeCurrent()} sets for the
 * running task and the tasks it creates from then on.
 *
 * <p>Ephemeral ports are allocated in order, from 32768 up to 60999 (Linux's default range) and around again,
 * skipping ports in use: the same program gets the same ports in every run.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class SimHost implements Network {

  static final int EPHEMERAL_FIRST = 32768;
  static final int EPHEMERAL_LAST = 60999;
  private static final InetAddress WILDCARD = InetAddress.ofLiteral("0.0.0.0");
  private static final InetAddress LOOPBACK6 = InetAddress.ofLiteral("::1");

  private final SimNetwork net;
  private final String name;
  private final InetAddress address;
  final int index;
  // Bound ports, looked up by number (never iterated to decide anything).
  private final TreeMap<Integer, SimSocket> tcp = new TreeMap<>();
  private final TreeMap<Integer, SimDatagramSocket> udp = new TreeMap<>();
  // Unix-domain listeners by path. A path is free again once its listener closes (as if the server unlinked it).
  private final TreeMap<String, SimListenSocket> unix = new TreeMap<>();
  private boolean down;
  // The host's wall clock: this much ahead of the simulation's (negative: behind), gaining this many parts per
  // million of the virtual time that passed.
  private long clockOffsetNanos;
  private long clockDriftPpm;
  private final java.util.List<io.weft.AsyncCallable<?>> restartHooks = new java.util.ArrayList<>();
  private int nextTcp = EPHEMERAL_FIRST;
  private int nextUdp = EPHEMERAL_FIRST;

  SimHost(SimNetwork net, String name, InetAddress address, int index) {
    this.net = net;
    this.name = name;
    this.address = address;
    this.index = index;
  }

  /** Returns the host's name, as the name table resolves it. */
  public String name() {
    return name;
  }

  /** Returns the host's address (not loopback). */
  public InetAddress address() {
    return address;
  }

  /** Returns the network this host is part of. */
  public SimNetwork network() {
    return net;
  }

  /**
   * Crashes this host as Jepsen kills a process: every socket it has is closed as the kernel closes a dead process's
   * sockets (a connection whose data this side had not read is reset, the others get a FIN after what was sent; its
   * listeners and datagram sockets close, so connects to it are refused), and every task running on it (whose
   * context has it as the {@linkplain #makeCurrent current host}) is cancelled, in creation order, with the message
   * "host NAME crashed". The host stays down, refusing connections, until {@link #restart()}. In the trace.
   *
   * <p>A task can catch the cancellation, as any asyncio task can; a killed process could not. Write the code that
   * runs on a host so that cancellation ends it.
   *
   * @throws IllegalStateException if the host is already down
   */
  public void crash() {
    if (down) {
      throw new IllegalStateException("host " + name + " is already down; restart() it first");
    }
    down = true;
    crashes++;
    net.traceHost(Segment.Kind.CRASH, this);
    for (SimSocket s : net.openSocketsOn(this)) {
      s.close();
    }
    io.weft.EventLoop loop = io.weft.EventLoop.getRunningLoop();
    for (io.weft.Task<?> t : loop.allTasks()) {
      if (t.getContext().get(net.hostVar()) == this) {
        t.cancel("host " + name + " crashed");
      }
    }
  }

  /**
   * Restarts a crashed host: it is up again, and each hook given to {@link #onRestart} runs in a new task on this
   * host, in the order they were added (the process started again: it knows nothing of what it held before). In the
   * trace.
   *
   * @return the tasks running the hooks
   * @throws IllegalStateException if the host is not down
   */
  public java.util.List<io.weft.Task<Object>> restart() {
    if (!down) {
      throw new IllegalStateException("host " + name + " is up; crash() it first");
    }
    down = false;
    net.traceHost(Segment.Kind.RESTART, this);
    io.weft.EventLoop loop = io.weft.EventLoop.getRunningLoop();
    java.util.List<io.weft.Task<Object>> started = new java.util.ArrayList<>();
    for (io.weft.AsyncCallable<?> hook : restartHooks) {
      started.add(loop.<Object>createTask(() -> {
        makeCurrent();
        return hook.call();
      }, name + "-restart", null));
    }
    return started;
  }

  // Counts crashes, so that a restart a fault plan scheduled does not restart a later crash.
  private long crashes;

  /**
   * Crashes this host (a fault plan's crash), unless it is down already, and restarts it after {@code nanos} of
   * virtual time unless something restarted it meanwhile.
   */
  void crashFor(long nanos) {
    if (down) {
      return;
    }
    crash();
    long crash = crashes;
    net.schedule(nanos, () -> {
      if (down && crashes == crash) {
        restart();
      }
    }, Segment.Kind.RESTART.event(index, 0));
  }

  /** Adds what {@link #restart()} runs on this host: typically the code that starts the host's service. */
  public void onRestart(io.weft.AsyncCallable<?> hook) {
    restartHooks.add(java.util.Objects.requireNonNull(hook, "hook must not be null"));
  }

  /**
   * Sets this host's wall clock: {@code offset} ahead of the simulation's wall clock (negative: behind), and
   * {@code driftPpm} parts per million faster (negative: slower), as a real machine's NTP-disciplined clock is off by
   * a little and drifts. Code on the host reads it through {@link io.weft.time.WallClock#current()}; the loop's
   * monotonic time ({@code loop.time()}, timers, timeouts) stays the same on every host.
   */
  public void setClock(java.time.Duration offset, long driftPpm) {
    clockOffsetNanos = java.util.Objects.requireNonNull(offset, "offset must not be null").toNanos();
    if (driftPpm <= -1_000_000 || driftPpm >= 1_000_000) {
      throw new IllegalArgumentException("drift must be within +-1,000,000 ppm (a clock runs forward), got "
          + driftPpm);
    }
    clockDriftPpm = driftPpm;
  }

  /**
   * This host's wall-clock reading, in nanoseconds since the epoch, when the simulation's wall clock reads
   * {@code simulationNanos} after {@code elapsedNanos} of virtual time: its offset, and its drift over the elapsed
   * time, on top; the fault plan's for this host ({@link NetFaults#clockOffsetNanos}) are added to the host's own.
   */
  public long wallNanos(long simulationNanos, long elapsedNanos) {
    long offset = clockOffsetNanos;
    long drift = clockDriftPpm;
    NetFaults faults = net.faults();
    if (faults != null) {
      offset += faults.clockOffsetNanos(name, net.chooser());
      drift += faults.clockDriftPpm(name, net.chooser());
    }
    return simulationNanos + offset + elapsedNanos / 1_000_000 * drift + (elapsedNanos % 1_000_000) * drift
        / 1_000_000;
  }

  /** Returns whether the host is up: true until {@link #crash()}, and again after {@link #restart()}. */
  public boolean isUp() {
    return !down;
  }

  /**
   * Makes this host the current one in the caller's context: sockets opened through the loop's network from here on
   * belong to it, in this task and in the tasks it creates afterwards.
   */
  public void makeCurrent() {
    net.hostVar().set(this);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Network, on this host
  // ------------------------------------------------------------------------------------------------------------

  @Override
  public StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
    return net.opening().connect(this, remote, local);
  }

  @Override
  public ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
      throws IOException {
    return net.opening().listen(this, local, backlog, reuseAddress, reusePort);
  }

  @Override
  public DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast) throws IOException {
    return net.opening().openDatagram(this, local, remote, broadcast);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return net.resolve(host, port);
  }

  @Override
  public boolean resolvesWithoutBlocking() {
    return true;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Addresses and ports
  // ------------------------------------------------------------------------------------------------------------

  /** Whether a socket of this host may bind {@code a}: its address, loopback, or the wildcard. */
  boolean owns(InetAddress a) {
    return a.isAnyLocalAddress() || a.isLoopbackAddress() || a.equals(address);
  }

  InetAddress wildcard() {
    return WILDCARD;
  }

  /** The address this host sends from to reach {@code target}: loopback of its family for loopback, else its own. */
  InetAddress addressFacing(InetAddress target) {
    if (!target.isLoopbackAddress()) {
      return address;
    }
    return target instanceof Inet6Address ? LOOPBACK6 : InetAddress.getLoopbackAddress();
  }

  /**
   * Picks the TCP port for binding {@code local}: its own, or the next ephemeral one for 0; {@link #holdTcp} then
   * binds the socket made with it.
   */
  int pickTcp(InetSocketAddress local) throws BindException {
    return pick(tcp, local, true);
  }

  void holdTcp(int port, SimSocket socket) {
    tcp.put(port, socket);
  }

  void bindUdp(SimDatagramSocket socket, InetSocketAddress local) throws BindException {
    int port = pick(udp, local, false);
    udp.put(port, socket);
    socket.bind(new InetSocketAddress(local.getAddress(), port));
  }

  private int pick(TreeMap<Integer, ?> table, InetSocketAddress local, boolean isTcp) throws BindException {
    if (!owns(local.getAddress())) {
      throw new BindException("Cannot assign requested address: " + local + " (host " + name + " is " + address
          + ")");
    }
    int port = local.getPort();
    if (port != 0) {
      if (table.containsKey(port)) {
        throw new BindException("Address already in use: " + local + " on host " + name);
      }
      return port;
    }
    int next = isTcp ? nextTcp : nextUdp;
    for (int i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
      int p = next;
      next = next == EPHEMERAL_LAST ? EPHEMERAL_FIRST : next + 1;
      if (!table.containsKey(p)) {
        if (isTcp) {
          nextTcp = next;
        } else {
          nextUdp = next;
        }
        return p;
      }
    }
    throw new BindException("no ephemeral port left on host " + name);
  }

  /** Binds a Unix-domain listener to its path. */
  void bindUnix(UnixDomainSocketAddress path, SimListenSocket socket) throws BindException {
    String key = path.getPath().toString();
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a Unix-domain listener needs a path, got the unnamed address");
    }
    if (unix.containsKey(key)) {
      throw new BindException("Address already in use: " + path + " on host " + name);
    }
    unix.put(key, socket);
  }

  void releaseUnix(UnixDomainSocketAddress path, SimListenSocket socket) {
    unix.remove(path.getPath().toString(), socket);
  }

  /** The open Unix-domain listener on {@code path}, or null. */
  SimListenSocket unixListenerFor(UnixDomainSocketAddress path) {
    SimListenSocket l = unix.get(path.getPath().toString());
    return l != null && l.isOpen() ? l : null;
  }

  void releaseTcp(int port, SimSocket socket) {
    tcp.remove(port, socket);
  }

  void releaseUdp(int port, SimDatagramSocket socket) {
    udp.remove(port, socket);
  }

  /** The open listening socket a connect to {@code target} reaches, or null. */
  SimListenSocket listenerFor(InetSocketAddress target) {
    return tcp.get(target.getPort()) instanceof SimListenSocket l && l.isOpen() && l.accepts(target) ? l : null;
  }

  /** The datagram socket a datagram to {@code target} reaches, or null. */
  SimDatagramSocket datagramSocketFor(InetSocketAddress target) {
    SimDatagramSocket s = udp.get(target.getPort());
    if (s == null || s.local() == null) {
      return null;
    }
    InetAddress bound = s.local().getAddress();
    return bound.isAnyLocalAddress() || bound.equals(target.getAddress()) ? s : null;
  }

  @Override
  public String toString() {
    return name + "/" + address.getHostAddress();
  }

  static String requireName(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a host name must not be blank, got \"" + name + "\"");
    }
    return name;
  }
}
