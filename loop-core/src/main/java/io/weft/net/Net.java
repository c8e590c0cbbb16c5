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
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Network entry points, asyncio's {@code loop.create_connection} and {@code loop.create_server}, on the running
 * loop's {@link Network}.
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
   * Connects to {@code host}:{@code port}; see {@link #createConnection(Supplier, String, int, SocketAddress)}.
   */
  public static <P extends Protocol> Connection<P> createConnection(Supplier<? extends P> factory, String host,
      int port) throws IOException {
    return createConnection(factory, host, port, null);
  }

  /**
   * Connects to {@code host}:{@code port} and makes a transport driving a protocol from {@code factory}, as
   * asyncio's {@code create_connection}.
   *
   * <p>The host is resolved through the loop's network; each address is tried in the order resolved until one
   * connects. Returns once the protocol's {@link Protocol#connectionMade} has run.
   *
   * @param factory makes the protocol; called once, after the connect succeeded
   * @param host a host name or literal address; not null
   * @param port in 0-65535
   * @param localAddress where to bind the socket first, or null for an ephemeral address
   * @throws IllegalArgumentException naming the port if it is outside 0-65535, before anything is opened
   * @throws UnknownHostException naming the host if it does not resolve
   * @throws ConnectException naming the address if every connect was refused (naming each address when they failed
   *     differently); no socket is left open
   * @throws IOException for other failures to connect; no socket is left open
   */
  public static <P extends Protocol> Connection<P> createConnection(Supplier<? extends P> factory, String host,
      int port, SocketAddress localAddress) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(host, "host must not be null");
    checkPort(port);
    EventLoop loop = EventLoop.getRunningLoop();
    List<InetSocketAddress> addresses = resolve(loop, host, port);
    List<IOException> errors = new ArrayList<>();
    for (InetSocketAddress address : addresses) {
      Watch watch = null;
      StreamSocket socket = null;
      boolean done = false;
      try {
        socket = loop.network().connect(address, localAddress);
        watch = new Watch(loop, socket);
        awaitConnected(loop, socket, watch);
        P protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        Transport transport = new Transport(loop, socket, watch, protocol, null);
        transport.start();
        Future<Void> made = loop.createFuture();
        loop.callSoon(() -> made.setResult(null)); // after connectionMade, scheduled first by start()
        done = true;
        try {
          made.await();
        } catch (Throwable e) {
          transport.abort(); // cancelled while connectionMade was pending: the transport owns the socket now
          throw e;
        }
        return new Connection<>(transport, protocol);
      } catch (ConnectException e) {
        errors.add(named(e, address));
      } catch (IOException e) {
        errors.add(e);
      } finally {
        if (!done) {
          if (watch != null) {
            watch.cancel();
          }
          if (socket != null) {
            socket.close();
          }
        }
      }
    }
    throw connectError(addresses, errors);
  }

  private static void awaitConnected(EventLoop loop, StreamSocket socket, Watch watch) throws IOException {
    try {
      while (!socket.finishConnect()) {
        Future<Void> ready = loop.createFuture();
        watch.target(ops -> {
          if (!ready.isDone()) {
            ready.setResult(null);
          }
        });
        watch.set(Poller.CONNECT);
        ready.await();
      }
    } finally {
      watch.set(0);
      watch.target(null);
    }
  }

  /** A refusal that names the address, as asyncio's "Connect call failed ('127.0.0.1', 8888)". */
  private static ConnectException named(ConnectException e, SocketAddress address) {
    ConnectException wrapped = new ConnectException("Connect call failed " + address + ": " + e.getMessage());
    wrapped.initCause(e);
    return wrapped;
  }

  private static IOException connectError(List<InetSocketAddress> addresses, List<IOException> errors) {
    if (errors.size() == 1) {
      return errors.get(0);
    }
    String first = String.valueOf(errors.get(0).getMessage());
    if (errors.stream().allMatch(e -> first.equals(String.valueOf(e.getMessage())))) {
      return errors.get(0);
    }
    StringBuilder sb = new StringBuilder("Multiple exceptions connecting to " + addresses + ":");
    errors.forEach(e -> sb.append(' ').append(e.getMessage()).append(';'));
    ConnectException all = new ConnectException(sb.toString());
    errors.forEach(all::addSuppressed);
    return all;
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
   * @param host a host name or literal address (every address it resolves to is listened on); not null
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
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(host, "host must not be null");
    checkPort(port);
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
    }
    EventLoop loop = EventLoop.getRunningLoop();
    List<InetSocketAddress> addresses = resolve(loop, host, port);
    List<Network.ListenSocket> listening = new ArrayList<>();
    try {
      for (InetSocketAddress address : addresses) {
        listening.add(loop.network().listen(address, backlog, reuseAddress, false));
      }
    } catch (IOException | RuntimeException e) {
      listening.forEach(Network.ListenSocket::close);
      throw e;
    }
    Server server = new Server(loop, listening, factory, backlog);
    if (startServing) {
      server.startServing();
    }
    return server;
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0-65535, got " + port);
    }
  }

  /** Resolves on the loop thread if the network answers at once, else on a thread of its own. */
  static List<InetSocketAddress> resolve(EventLoop loop, String host, int port) throws UnknownHostException {
    Network network = loop.network();
    if (network.resolvesWithoutBlocking()) {
      return network.resolve(host, port);
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
