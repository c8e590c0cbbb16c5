package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.spi.Network;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Network entry points, asyncio's {@code loop.create_connection}, {@code loop.create_server} and
 * {@code loop.create_datagram_endpoint}, on the running loop's {@link Network}.
 *
 * <p>Each is called from inside a task and awaits: resolution (off the loop thread when the network's resolver may
 * block), connecting, binding. Nothing is left open when one throws.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Net {

  /** The default accept backlog of {@link #createServer}, asyncio's 100. */
  public static final int DEFAULT_BACKLOG = 100;

  private Net() {}

  /**
   * A connection made by {@link #createConnection}: its transport and the protocol the factory made for it.
   *
   * @param transport the transport; never null
   * @param protocol the protocol; never null
   * @param <P> the protocol's type
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Connection<P extends Protocol>(Transport transport, P protocol) {}

  /**
   * Connects to {@code host}:{@code port}, trying each resolved address in turn; see
   * {@link #createConnection(Supplier, String, int, SocketAddress, Duration)}.
   */
  public static <P extends Protocol> Connection<P> createConnection(Supplier<? extends P> factory, String host,
      int port) throws IOException {
    return createConnection(factory, host, port, null, null);
  }

  /**
   * Connects to {@code host}:{@code port} and makes a transport driving a protocol from {@code factory}, as
   * asyncio's {@code create_connection}.
   *
   * <p>The host is resolved through the loop's network (on a thread of its own when the network's resolver may
   * block). Without a happy-eyeballs delay each address is tried in the order resolved until one connects; with
   * one, the next attempt starts after the delay (or as soon as the previous one fails) while earlier ones go on,
   * the first to connect wins and the others are closed (RFC 8305). Returns once the protocol's
   * {@link Protocol#connectionMade} has run.
   *
   * @param factory makes the protocol; called once, after the connect succeeded, on the loop thread
   * @param host a host name or literal address; not null
   * @param port in 0-65535
   * @param localAddress where to bind the socket first, or null for an ephemeral address
   * @param happyEyeballsDelay how long an attempt runs alone before the next starts, or null to try one at a time
   * @throws IllegalArgumentException naming the port if it is outside 0-65535, or a negative delay, before
   *     anything is opened
   * @throws UnknownHostException naming the host if it does not resolve
   * @throws ConnectException naming the address if every connect was refused (naming each error when they
   *     differ); no socket is left open
   * @throws IOException for other failures to connect; no socket is left open
   */
  public static <P extends Protocol> Connection<P> createConnection(Supplier<? extends P> factory, String host,
      int port, SocketAddress localAddress, Duration happyEyeballsDelay) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(host, "host must not be null");
    checkPort(port);
    if (happyEyeballsDelay != null && happyEyeballsDelay.isNegative()) {
      throw new IllegalArgumentException("happyEyeballsDelay must be >= 0, got " + happyEyeballsDelay);
    }
    EventLoop loop = EventLoop.getRunningLoop();
    List<InetSocketAddress> addresses = resolve(loop, host, port);
    return start(loop, factory, Connector.first(loop, addresses, localAddress, happyEyeballsDelay));
  }

  /**
   * Connects to a Unix-domain stream socket at {@code path}, as asyncio's {@code create_unix_connection}.
   *
   * @throws ConnectException naming the path if nothing listens there; nothing is left open
   */
  public static <P extends Protocol> Connection<P> createUnixConnection(Supplier<? extends P> factory, Path path)
      throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(path, "path must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    return start(loop, factory, Connector.first(loop, List.of(UnixDomainSocketAddress.of(path)), null, null));
  }

  /**
   * Makes a transport for a stream socket connected elsewhere (for instance an NIO channel adopted with
   * {@link io.weft.spi.NioNetwork#wrap(java.nio.channels.SocketChannel)}), as asyncio's
   * {@code connect_accepted_socket}. The transport owns the socket from then on.
   *
   * @param socket a socket of the running loop's network, connected or connecting
   */
  public static <P extends Protocol> Connection<P> connectAccepted(Supplier<? extends P> factory,
      StreamSocket socket) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(socket, "socket must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    return start(loop, factory, Connector.adopt(loop, socket));
  }

  /** Makes the transport and protocol for a connected socket and waits until connectionMade has run. */
  private static <P extends Protocol> Connection<P> start(EventLoop loop, Supplier<? extends P> factory,
      Connector.Attempt attempt) {
    P protocol;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
    } catch (RuntimeException | Error e) {
      attempt.close();
      throw e;
    }
    Transport transport = new Transport(loop, attempt.socket(), attempt.watch(), protocol, null);
    transport.start();
    Future<Void> made = loop.createFuture();
    loop.callSoon(() -> {
      if (!made.isDone()) { // unless cancelled meanwhile, as asyncio's _set_result_unless_cancelled
        made.setResult(null);
      }
    }); // after connectionMade, which start() scheduled first
    try {
      made.await();
    } catch (Throwable e) {
      transport.abort(); // cancelled while connectionMade was pending: the transport owns the socket now
      throw e;
    }
    return new Connection<>(transport, protocol);
  }

  /**
   * Starts a server on {@code host}:{@code port} with the default backlog, reusing addresses, serving at once;
   * see {@link #createServer(Supplier, String, int, int, boolean, boolean)}.
   */
  public static Server createServer(Supplier<? extends Protocol> factory, String host, int port) throws IOException {
    return createServer(factory, host, port, DEFAULT_BACKLOG, true, true);
  }

  /**
   * Listens on every address {@code host} resolves to, as asyncio's {@code create_server}: each accepted connection
   * gets a transport and a protocol from {@code factory}.
   *
   * @param factory makes a protocol per connection, on the loop thread
   * @param host a host name or literal address (every address it resolves to is listened on), or {@code null} or
   *     {@code ""} for every interface, as asyncio's {@code host=None} (see {@link Network#wildcard})
   * @param port in 0-65535; 0 picks a free port per address (see {@link Server#sockets()})
   * @param backlog the accept queue's length, at least 1
   * @param reuseAddress sets {@code SO_REUSEADDR}
   * @param startServing accept at once; otherwise only after {@link Server#startServing()} or
   *     {@link Server#serveForever()}
   * @throws IllegalArgumentException naming the value for a port outside 0-65535 or a backlog below 1, before
   *     anything is opened
   * @throws UnknownHostException naming the host if it does not resolve
   * @throws java.net.BindException if an address is in use; nothing is left open
   */
  public static Server createServer(Supplier<? extends Protocol> factory, String host, int port, int backlog,
      boolean reuseAddress, boolean startServing) throws IOException {
    return createServer(factory, List.of(host == null ? "" : host), port, backlog, reuseAddress, false, startServing);
  }

  /**
   * Listens on every address each of {@code hosts} resolves to (duplicates once), as asyncio's
   * {@code create_server} with a sequence of hosts; see
   * {@link #createServer(Supplier, String, int, int, boolean, boolean)}. An empty host ({@code ""}) stands for every
   * interface.
   *
   * @param reusePort sets {@code SO_REUSEPORT}, so several servers may share the port
   * @throws UnsupportedOperationException if {@code reusePort} is asked for and the network cannot do it
   */
  public static Server createServer(Supplier<? extends Protocol> factory, List<String> hosts, int port, int backlog,
      boolean reuseAddress, boolean reusePort, boolean startServing) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(hosts, "hosts must not be null");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts must name at least one host, got an empty list");
    }
    hosts.forEach(h -> Objects.requireNonNull(h, "hosts must not contain null, got " + hosts));
    checkPort(port);
    checkBacklog(backlog);
    EventLoop loop = EventLoop.getRunningLoop();
    java.util.LinkedHashSet<SocketAddress> addresses = new java.util.LinkedHashSet<>();
    for (String host : hosts) {
      addresses.addAll(host.isEmpty() ? loop.network().wildcard(port) : resolve(loop, host, port));
    }
    List<Network.ListenSocket> listening = new ArrayList<>();
    try {
      for (SocketAddress address : addresses) {
        listening.add(loop.network().listen(address, backlog, reuseAddress, reusePort));
      }
    } catch (IOException | RuntimeException e) {
      listening.forEach(Network.ListenSocket::close);
      throw e;
    }
    return serve(loop, listening, factory, backlog, startServing);
  }

  /**
   * Listens on a Unix-domain stream socket at {@code path}, removing its socket file when closed; see
   * {@link #createUnixServer(Supplier, Path, int, boolean, boolean)}.
   */
  public static Server createUnixServer(Supplier<? extends Protocol> factory, Path path, int backlog,
      boolean startServing) throws IOException {
    return createUnixServer(factory, path, backlog, startServing, true);
  }

  /**
   * Listens on a Unix-domain stream socket at {@code path}, as asyncio's {@code create_unix_server}.
   *
   * <p>On a network of real files ({@link io.weft.spi.NioNetwork}), as asyncio 3.13 does: a stale socket file at
   * {@code path} is removed before binding (any other kind of file is left, and the bind fails); with
   * {@code cleanupSocket} the server removes its socket file when it is closed, unless the file was replaced
   * meanwhile. A failure to check or remove a file goes to the loop's exception handler, as asyncio logs it. The
   * simulated network has no files: its path is free again once the server is closed.
   *
   * @param cleanupSocket remove the socket file when the server is closed (asyncio's {@code cleanup_socket})
   * @throws java.net.BindException naming the path if it is in use; nothing is left open
   */
  public static Server createUnixServer(Supplier<? extends Protocol> factory, Path path, int backlog,
      boolean startServing, boolean cleanupSocket) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(path, "path must not be null");
    checkBacklog(backlog);
    EventLoop loop = EventLoop.getRunningLoop();
    boolean files = loop.network() instanceof io.weft.spi.NioNetwork;
    if (files) {
      removeStaleSocket(loop, path);
    }
    Network.ListenSocket listening = loop.network().listen(UnixDomainSocketAddress.of(path), backlog, false, false);
    if (files && cleanupSocket) {
      Object key = null;
      try {
        key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      } catch (IOException e) {
        // gone already (asyncio's FileNotFoundError): nothing to clean up
      }
      if (key != null) {
        listening = new RemovesSocketFile(loop, listening, path, key);
      }
    }
    return serve(loop, List.of(listening), factory, backlog, startServing);
  }

  /** Removes a socket file left at {@code path} (asyncio checks {@code S_ISSOCK} and unlinks). */
  private static void removeStaleSocket(EventLoop loop, Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (isSocket(path, attributes)) {
        Files.delete(path);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // nothing there
    } catch (IOException | RuntimeException e) {
      loop.callExceptionHandler(new io.weft.ExceptionContext("Unable to check or remove stale UNIX socket " + path,
          e, null, null, null, java.util.Map.of()));
    }
  }

  private static boolean isSocket(Path path, BasicFileAttributes attributes) throws IOException {
    try {
      return ((Integer) Files.getAttribute(path, "unix:mode") & 0xF000) == 0xC000; // S_IFMT, S_IFSOCK
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return attributes.isOther(); // no "unix" view: not a file, directory or link
    }
  }

  /**
   * A Unix-domain listening socket whose close also removes its socket file, if the file at the path is still the
   * one it bound (the same file key: asyncio compares inode numbers).
   */
  private record RemovesSocketFile(EventLoop loop, Network.ListenSocket socket, Path path, Object fileKey)
      implements Network.ListenSocket {
    @Override
    public StreamSocket accept() throws IOException {
      return socket.accept();
    }

    @Override
    public Poller.Pollable pollable() {
      return socket.pollable();
    }

    @Override
    public SocketAddress localAddress() throws IOException {
      return socket.localAddress();
    }

    @Override
    public <T> T getOption(java.net.SocketOption<T> option) throws IOException {
      return socket.getOption(option);
    }

    @Override
    public <T> void setOption(java.net.SocketOption<T> option, T value) throws IOException {
      socket.setOption(option, value);
    }

    @Override
    public boolean isOpen() {
      return socket.isOpen();
    }

    @Override
    public void close() {
      boolean wasOpen = socket.isOpen();
      socket.close();
      if (!wasOpen) {
        return;
      }
      try {
        if (fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey())) {
          Files.delete(path);
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // removed by someone else already
      } catch (IOException | RuntimeException e) {
        loop.callExceptionHandler(new io.weft.ExceptionContext("Unable to clean up listening UNIX socket " + path,
            e, null, null, null, java.util.Map.of()));
      }
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      return socket.toString();
    }
  }

  private static Server serve(EventLoop loop, List<Network.ListenSocket> listening,
      Supplier<? extends Protocol> factory, int backlog, boolean startServing) {
    Server server = new Server(loop, listening, factory, backlog);
    if (startServing) {
      server.startServing();
    }
    return server;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Datagram endpoints
  // ------------------------------------------------------------------------------------------------------------

  /**
   * A datagram endpoint made by {@link #createDatagramEndpoint}: its transport and the protocol the factory made.
   *
   * @param transport the transport; never null
   * @param protocol the protocol; never null
   * @param <P> the protocol's type
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {}

  /**
   * Opens a datagram endpoint by host names and ports; see
   * {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress, boolean)}.
   *
   * @param localHost where to bind, or null to bind to an ephemeral port (then {@code remoteHost} is needed)
   * @param localPort in 0-65535 (0 picks a free port); ignored when {@code localHost} is null
   * @param remoteHost the only peer, or null for an unconnected endpoint
   * @param remotePort in 1-65535; ignored when {@code remoteHost} is null
   * @throws IllegalArgumentException naming the port if one is out of range, or if both hosts are null, before
   *     anything is resolved or opened
   */
  public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<? extends P> factory,
      String localHost, int localPort, String remoteHost, int remotePort, boolean broadcast) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    if (localHost == null && remoteHost == null) {
      throw new IllegalArgumentException("a datagram endpoint needs a local or a remote host, got neither");
    }
    if (localHost != null) {
      checkPort(localPort);
    }
    if (remoteHost != null && (remotePort < 1 || remotePort > 65535)) {
      throw new IllegalArgumentException("remote port must be in 1-65535, got " + remotePort);
    }
    return createDatagramEndpoint(factory,
        localHost == null ? null : InetSocketAddress.createUnresolved(localHost, localPort),
        remoteHost == null ? null : InetSocketAddress.createUnresolved(remoteHost, remotePort), broadcast);
  }

  /**
   * Opens a datagram (UDP) socket and makes a transport driving a protocol from {@code factory}, as asyncio's
   * {@code create_datagram_endpoint}.
   *
   * <p>An unresolved {@link InetSocketAddress} is resolved through the loop's network first; each pair of a local
   * and a remote address of the same family is tried in turn until one opens. Returns once the protocol's
   * {@link DatagramProtocol#connectionMade} has run.
   *
   * @param factory makes the protocol; called once, after the socket opened, on the loop thread
   * @param localAddress where to bind, or null for an ephemeral port
   * @param remoteAddress the only peer (the endpoint is connected: {@link DatagramTransport#sendTo} takes a null
   *     address and only this peer's datagrams arrive), or null for an unconnected endpoint
   * @param broadcast sets {@code SO_BROADCAST}
   * @throws IllegalArgumentException if both addresses are null, before anything is opened
   * @throws UnknownHostException naming the host if an address does not resolve
   * @throws java.net.BindException if the local address is in use; nothing is left open
   * @throws IOException for other failures to open; nothing is left open
   */
  public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<? extends P> factory,
      SocketAddress localAddress, SocketAddress remoteAddress, boolean broadcast) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    if (localAddress == null && remoteAddress == null) {
      throw new IllegalArgumentException("a datagram endpoint needs a local or a remote address, got neither");
    }
    EventLoop loop = EventLoop.getRunningLoop();
    List<SocketAddress> locals = resolveDatagram(loop, localAddress);
    List<SocketAddress> remotes = resolveDatagram(loop, remoteAddress);
    Network.DatagramSocket socket = null;
    IOException last = null;
    for (SocketAddress local : locals) {
      for (SocketAddress remote : remotes) {
        if (socket == null && sameFamily(local, remote)) {
          try {
            socket = loop.network().openDatagram(local, remote, broadcast);
          } catch (IOException e) {
            last = e;
          }
        }
      }
    }
    if (socket == null) {
      throw last != null ? last : new IOException("no local address among " + locals
          + " has the family of a remote address among " + remotes);
    }
    P protocol;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
    } catch (RuntimeException | Error e) {
      socket.close();
      throw e;
    }
    DatagramTransport transport = new DatagramTransport(loop, socket, new Watch(loop, socket), protocol);
    transport.start();
    Future<Void> made = loop.createFuture();
    loop.callSoon(() -> {
      if (!made.isDone()) { // unless cancelled meanwhile, as asyncio's _set_result_unless_cancelled
        made.setResult(null);
      }
    }); // after connectionMade, which start() scheduled first
    try {
      made.await();
    } catch (Throwable e) {
      transport.abort();
      throw e;
    }
    return new DatagramEndpoint<>(transport, protocol);
  }

  /** The addresses to try for {@code address}: itself, or what its host resolves to; a list of null for null. */
  private static List<SocketAddress> resolveDatagram(EventLoop loop, SocketAddress address)
      throws UnknownHostException {
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      return new ArrayList<>(resolve(loop, inet.getHostString(), inet.getPort()));
    }
    List<SocketAddress> one = new ArrayList<>();
    one.add(address);
    return one;
  }

  private static boolean sameFamily(SocketAddress a, SocketAddress b) {
    if (a == null || b == null) {
      return true;
    }
    if (a instanceof InetSocketAddress x && b instanceof InetSocketAddress y) {
      return (x.getAddress() instanceof java.net.Inet4Address) == (y.getAddress() instanceof java.net.Inet4Address);
    }
    return a.getClass() == b.getClass();
  }

  static void checkBacklog(int backlog) {
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
    }
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0-65535, got " + port);
    }
  }

  /** Resolves on the loop thread if the network answers at once, else on a thread of its own. */
  /** Whether {@code host} is a literal IPv4 or IPv6 address, which needs no lookup. */
  static boolean isLiteral(String host) {
    if (host.isEmpty() || (!Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0)) {
      return false; // a name: the common case, decided without an exception
    }
    try {
      java.net.InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static List<InetSocketAddress> resolve(EventLoop loop, String host, int port) throws UnknownHostException {
    Network network = loop.network();
    if (network.resolvesWithoutBlocking() || isLiteral(host)) {
      return network.resolve(host, port); // a literal address resolves to itself at once (asyncio's _ipaddr_info)
    }
    Future<List<InetSocketAddress>> result = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork("resolving " + host);
    Thread.ofVirtual().name("weft-resolve-" + host).start(() -> {
      List<InetSocketAddress> found = null;
      Throwable error = null;
      try {
        found = network.resolve(host, port);
      } catch (Throwable e) {
        error = e;
      }
      List<InetSocketAddress> f = found;
      Throwable err = error;
      try {
        loop.callSoonThreadsafe(() -> {
          work.close();
          if (!result.isDone()) {
            if (err != null) {
              result.setException(err);
            } else {
              result.setResult(f);
            }
          }
        });
      } catch (RuntimeException closed) {
        work.close(); // the loop closed meanwhile: nobody waits for the answer
      }
    });
    return result.await();
  }
}
