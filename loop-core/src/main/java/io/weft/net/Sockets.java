package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.internal.Kernel;
import io.weft.spi.Network;
import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.NetSocket;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Low-level socket operations awaited from a task, as asyncio's {@code loop.sock_*} methods, on the raw sockets of
 * any {@link Network} (NIO or the simulated network).
 *
 * <p>Raw sockets come from the running loop's network ({@code EventLoop.getRunningLoop().network()}:
 * {@link Network#connect connect}, {@link Network#listen listen}, {@link Network#openDatagram openDatagram}), from
 * {@link io.weft.spi.NioNetwork#wrap(java.nio.channels.SocketChannel) NioNetwork.wrap}, or from {@link #connect} and
 * {@link #accept} here. The caller owns them and closes them.
 *
 * <table>
 *   <caption>Weft and asyncio</caption>
 *   <tr><th>Weft</th><th>asyncio</th></tr>
 *   <tr><td>{@link #connect(SocketAddress, SocketAddress)}, {@link #finishConnect}</td><td>{@code loop.sock_connect}
 *       (Weft's network makes the socket as it connects)</td></tr>
 *   <tr><td>{@link #accept}</td><td>{@code loop.sock_accept}</td></tr>
 *   <tr><td>{@link #recv}</td><td>{@code loop.sock_recv}</td></tr>
 *   <tr><td>{@link #recvInto}</td><td>{@code loop.sock_recv_into}</td></tr>
 *   <tr><td>{@link #sendAll(StreamSocket, ByteBuffer)}</td><td>{@code loop.sock_sendall}</td></tr>
 *   <tr><td>{@link #recvFrom}</td><td>{@code loop.sock_recvfrom}</td></tr>
 *   <tr><td>{@link #recvFromInto}</td><td>{@code loop.sock_recvfrom_into}</td></tr>
 *   <tr><td>{@link #sendTo(DatagramSocket, ByteBuffer, SocketAddress)}</td><td>{@code loop.sock_sendto}</td></tr>
 *   <tr><td>{@link #getAddrInfo}</td><td>{@code loop.getaddrinfo} (the addresses only)</td></tr>
 * </table>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Awaited from a task</b> of the running loop. An operation first tries at once; only if the socket is not
 *       ready does it register the socket with the loop's poller, and only for as long as it waits.
 *   <li><b>Cancellation loses nothing.</b> A cancelled receive or accept took nothing from the socket; if it was
 *       cancelled in the same iteration as it completed (asyncio loses the data then), what it took is given to the
 *       next receive or accept on the socket, and a {@code recvInto} buffer's position is moved back. A cancelled
 *       {@code sendAll} leaves its buffer's position just past what was sent (asyncio does not say how much went).
 *       The poller registration goes when the last waiting operation on the socket ends.
 *   <li><b>Several operations may wait on one socket</b>, and are served in the order they started. (asyncio lets the
 *       second receive on a socket silently replace the first, which then never completes.)
 *   <li><b>Not a transport's socket.</b> A socket used by a {@link Transport}, {@link DatagramTransport} or
 *       {@link Server} (or being connected by {@link Net}) is refused with an {@link IllegalStateException}, as
 *       asyncio's {@code _ensure_fd_no_transport} refuses it.
 *   <li><b>Errors</b>: a negative size is an {@link IllegalArgumentException} naming it, a null socket or data a
 *       {@link NullPointerException} naming it; the network's {@link IOException}s pass through unchanged. Closing a
 *       socket while an operation waits on it leaves that operation waiting (as in asyncio) until it is cancelled.
 * </ul>
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Sockets {

  private Sockets() {}

  /**
   * A datagram received by {@link #recvFrom}.
   *
   * @param data the datagram's bytes (truncated to the size asked for); never null
   * @param address the sender; never null
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Received(byte[] data, SocketAddress address) {}

  /**
   * What {@link #recvFromInto} received.
   *
   * @param count how many bytes were put in the buffer
   * @param address the sender; never null
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record ReceivedInto(int count, SocketAddress address) {}

  // ------------------------------------------------------------------------------------------------------------
  // Streams
  // ------------------------------------------------------------------------------------------------------------

  /** Connects a new stream socket to {@code remote}; see {@link #connect(SocketAddress, SocketAddress)}. */
  public static StreamSocket connect(SocketAddress remote) throws IOException {
    return connect(remote, null);
  }

  /**
   * Opens a stream socket and connects it to {@code remote}, as asyncio's {@code sock_connect} on a new socket.
   *
   * <p>An unresolved {@link InetSocketAddress} is resolved first, without blocking the loop, and its first address
   * is used (as asyncio's {@code _ensure_resolved}).
   *
   * @param remote where to connect; not null
   * @param local where to bind first, or null for an ephemeral address
   * @return the connected socket, which the caller owns; never null
   * @throws java.net.ConnectException if the connect is refused; nothing is left open
   * @throws IOException for other failures; nothing is left open
   * @throws io.weft.CancelledError if cancelled while connecting; the socket is closed
   */
  public static StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
    Objects.requireNonNull(remote, "remote must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    SocketAddress to = resolved(loop, remote);
    SocketAddress from = local == null ? null : resolved(loop, local);
    StreamSocket socket = loop.network().connect(to, from);
    boolean connected = false;
    try {
      finishConnect(socket);
      connected = true;
      return socket;
    } finally {
      if (!connected) {
        socket.close();
      }
    }
  }

  /**
   * Waits until {@code socket}'s connect (started by {@link Network#connect}, or pending on an adopted channel) has
   * finished. Returns at once if it is connected already.
   *
   * @throws java.net.ConnectException if the peer refused; the network has closed the socket then
   * @throws IllegalStateException if a transport uses the socket
   */
  public static void finishConnect(StreamSocket socket) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    await(socket, Poller.CONNECT, () -> socket.finishConnect() ? Boolean.TRUE : null, null);
  }

  /**
   * Accepts a connection on {@code socket}, waiting for one, as asyncio's {@code sock_accept}. The peer's address is
   * the accepted socket's {@link StreamSocket#remoteAddress()}.
   *
   * @return the connected socket, which the caller owns; never null
   * @throws IllegalStateException if a server uses the socket
   */
  public static StreamSocket accept(ListenSocket socket) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    return await(socket, Poller.ACCEPT, () -> {
      if (takeUnread(socket) instanceof StreamSocket kept) {
        return kept;
      }
      return socket.accept();
    }, accepted -> putBack(socket, accepted));
  }

  /**
   * Receives up to {@code n} bytes, waiting until some arrive, as asyncio's {@code sock_recv}.
   *
   * @return the bytes received, at least one; empty at the end of the stream (or for {@code n} 0)
   * @throws IllegalArgumentException naming {@code n} if it is negative
   * @throws IOException if the connection was reset
   */
  public static byte[] recv(StreamSocket socket, int n) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    ByteBuffer buffer = ByteBuffer.allocate(n);
    int count = recvInto(socket, buffer);
    return count == n ? buffer.array() : Arrays.copyOf(buffer.array(), count);
  }

  /**
   * Receives into {@code buffer}'s remaining space, waiting until something arrives, as asyncio's
   * {@code sock_recv_into}. The buffer's position moves past what was received.
   *
   * @return how many bytes were received: at least one, or 0 at the end of the stream (or when the buffer is full)
   * @throws IOException if the connection was reset
   */
  public static int recvInto(StreamSocket socket, ByteBuffer buffer) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    Objects.requireNonNull(buffer, "buffer must not be null");
    checkUsable(socket);
    if (!buffer.hasRemaining()) {
      return 0;
    }
    return await(socket, Poller.READ, () -> {
      if (takeUnread(socket) instanceof byte[] kept) {
        int n = Math.min(kept.length, buffer.remaining());
        buffer.put(kept, 0, n);
        if (n < kept.length) {
          putBack(socket, Arrays.copyOfRange(kept, n, kept.length));
        }
        return n;
      }
      int count = socket.read(buffer);
      return count == 0 ? null : Math.max(count, 0);
    }, count -> {
      if (count > 0) {
        putBack(socket, unput(buffer, count));
      }
    });
  }

  /** Sends all of {@code data}, as {@link #sendAll(StreamSocket, ByteBuffer)} does. */
  public static void sendAll(StreamSocket socket, byte[] data) throws IOException {
    Objects.requireNonNull(data, "data must not be null");
    sendAll(socket, ByteBuffer.wrap(data));
  }

  /**
   * Sends all of {@code data}'s remaining bytes, waiting while the send buffer is full, as asyncio's
   * {@code sock_sendall}.
   *
   * <p>The buffer's position moves past what was sent; after a cancellation (or an error) it says how much went.
   *
   * @throws IOException if the connection was reset or the peer is gone
   */
  public static void sendAll(StreamSocket socket, ByteBuffer data) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    Objects.requireNonNull(data, "data must not be null");
    if (!data.hasRemaining()) {
      checkUsable(socket);
      return;
    }
    await(socket, Poller.WRITE, () -> {
      socket.write(data);
      return data.hasRemaining() ? null : Boolean.TRUE;
    }, null);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Datagrams
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Receives one datagram of up to {@code bufsize} bytes (the rest of a longer one is discarded), waiting for one,
   * as asyncio's {@code sock_recvfrom}.
   *
   * @throws IllegalArgumentException naming {@code bufsize} if it is negative
   */
  public static Received recvFrom(DatagramSocket socket, int bufsize) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    if (bufsize < 0) {
      throw new IllegalArgumentException("bufsize must be >= 0, got " + bufsize);
    }
    ByteBuffer buffer = ByteBuffer.allocate(bufsize);
    ReceivedInto got = recvFromInto(socket, buffer);
    return new Received(Arrays.copyOf(buffer.array(), got.count()), got.address());
  }

  /**
   * Receives one datagram into {@code buffer}'s remaining space (the rest of a longer one is discarded), waiting for
   * one, as asyncio's {@code sock_recvfrom_into} (whose {@code nbytes} is the buffer's limit here). The buffer's
   * position moves past what was received.
   */
  public static ReceivedInto recvFromInto(DatagramSocket socket, ByteBuffer buffer) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    Objects.requireNonNull(buffer, "buffer must not be null");
    return await(socket, Poller.READ, () -> {
      if (takeUnread(socket) instanceof Received kept) {
        int n = Math.min(kept.data().length, buffer.remaining());
        buffer.put(kept.data(), 0, n);
        return new ReceivedInto(n, kept.address());
      }
      int start = buffer.position();
      SocketAddress from = socket.receive(buffer);
      return from == null ? null : new ReceivedInto(buffer.position() - start, from);
    }, got -> putBack(socket, new Received(unput(buffer, got.count()), got.address())));
  }

  /** Sends {@code data} as one datagram, as {@link #sendTo(DatagramSocket, ByteBuffer, SocketAddress)} does. */
  public static int sendTo(DatagramSocket socket, byte[] data, SocketAddress address) throws IOException {
    Objects.requireNonNull(data, "data must not be null");
    return sendTo(socket, ByteBuffer.wrap(data), address);
  }

  /**
   * Sends {@code data}'s remaining bytes as one datagram, waiting while there is no room, as asyncio's
   * {@code sock_sendto}.
   *
   * @param address where to send, or null for a connected socket's peer
   * @return how many bytes were sent: all of them
   * @throws IOException naming both sizes if the datagram is too large; nothing is sent
   */
  public static int sendTo(DatagramSocket socket, ByteBuffer data, SocketAddress address) throws IOException {
    Objects.requireNonNull(socket, "socket must not be null");
    Objects.requireNonNull(data, "data must not be null");
    int size = data.remaining();
    return await(socket, Poller.WRITE, () -> {
      int sent = socket.send(data, address);
      return sent == 0 && size > 0 ? null : sent;
    }, null);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Names
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Resolves {@code host} to the addresses to try, in order, without blocking the loop, as asyncio's
   * {@code loop.getaddrinfo} (addresses only): on a thread of its own when the network's resolver may block
   * ({@link Network#resolvesWithoutBlocking()} false), else at once.
   *
   * @param port in 0-65535, put in each address
   * @return one or more resolved addresses; never null or empty
   * @throws java.net.UnknownHostException naming the host if it does not resolve
   * @throws IllegalArgumentException naming the port if it is out of range
   */
  public static List<InetSocketAddress> getAddrInfo(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host must not be null");
    Net.checkPort(port);
    return Net.resolve(EventLoop.getRunningLoop(), host, port);
  }

  private static SocketAddress resolved(EventLoop loop, SocketAddress address) throws IOException {
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      return Net.resolve(loop, inet.getHostString(), inet.getPort()).get(0);
    }
    return address;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Waiting: one registration per socket and loop, while operations wait
  // ------------------------------------------------------------------------------------------------------------

  /** One try of an operation: its result, or null if the socket was not ready. */
  @FunctionalInterface
  private interface Attempt<T> {
    T tryOnce() throws IOException;
  }

  /** Refuses a socket a transport uses; the check asyncio's {@code _ensure_fd_no_transport} makes. */
  private static Registry checkUsable(NetSocket socket) {
    Registry registry = registry(EventLoop.getRunningLoop());
    if (registry.claimed.containsKey(socket)) {
      throw new IllegalStateException("socket " + socket + " is used by a transport, a server or a connect of this"
          + " loop; Sockets operations need a socket that no transport owns");
    }
    return registry;
  }

  /** Gives back what a cancelled task never saw, so that the next operation gets it; null if nothing to give back. */
  @FunctionalInterface
  private interface Undo<T> {
    void keep(T result);
  }

  /**
   * Tries {@code attempt} at once (unless others wait before it), else waits for {@code op} and tries again. If the
   * task is cancelled after the operation took something from the socket but before the task saw it (the wake and
   * the cancel in one iteration), {@code undo} keeps it for the next operation on the socket.
   */
  private static <T> T await(NetSocket socket, int op, Attempt<T> attempt, Undo<T> undo) throws IOException {
    Registry registry = checkUsable(socket);
    Waits waits = registry.waits.get(socket);
    if (waits == null || waits.queue(op).isEmpty() || registry.unread.containsKey(socket)) {
      T result = attempt.tryOnce();
      if (result != null) {
        return result;
      }
    }
    EventLoop loop = EventLoop.getRunningLoop();
    while (true) {
      waits = registry.waits.computeIfAbsent(socket, s -> new Waits(loop, registry, s));
      try {
        waits.register();
        break;
      } catch (CancelledKeyException e) {
        waits.update(); // leaves the registry while nothing waits
        // NIO forgets a cancelled registration at the selector's next poll; the next iteration polls first.
        Weft.sleep(Duration.ZERO);
      }
    }
    Future<T> future = loop.createFuture();
    Op<T> waiting = new Op<>(future, op, attempt);
    waits.add(waiting);
    try {
      return future.await();
    } catch (io.weft.CancelledError e) {
      if (undo != null && future.isDone() && !future.isCancelled() && future.exception() == null) {
        undo.keep(future.result());
      }
      throw e;
    } finally {
      waits.remove(waiting);
    }
  }

  /** Takes back the last {@code count} bytes put in {@code buffer}: moves its position back and returns them. */
  private static byte[] unput(ByteBuffer buffer, int count) {
    int start = buffer.position() - count;
    byte[] bytes = new byte[count];
    buffer.get(start, bytes);
    buffer.position(start);
    return bytes;
  }

  /** Returns the oldest thing kept for {@code socket}'s next receive or accept, or null. */
  private static Object takeUnread(NetSocket socket) {
    Registry registry = registry(EventLoop.getRunningLoop());
    ArrayDeque<Object> kept = registry.unread.get(socket);
    if (kept == null) {
      return null;
    }
    Object first = kept.poll();
    if (kept.isEmpty()) {
      registry.unread.remove(socket);
    }
    return first;
  }

  /** Keeps {@code item} as the first thing {@code socket}'s next receive or accept gets, and serves those waiting. */
  private static void putBack(NetSocket socket, Object item) {
    Registry registry = registry(EventLoop.getRunningLoop());
    registry.unread.computeIfAbsent(socket, s -> new ArrayDeque<>()).addFirst(item);
    Waits waits = registry.waits.get(socket);
    if (waits != null) {
      waits.ready(Poller.READ | Poller.ACCEPT);
    }
  }

  /** An operation waiting on a socket. */
  private record Op<T>(Future<T> future, int op, Attempt<T> attempt) {
    /** Tries once; returns whether the operation is over (done or failed). */
    boolean serve() {
      if (future.isDone()) {
        return true;
      }
      T result;
      try {
        result = attempt.tryOnce();
      } catch (IOException | RuntimeException e) {
        future.setException(e);
        return true;
      }
      if (result == null) {
        return false;
      }
      future.setResult(result);
      return true;
    }
  }

  /**
   * The operations waiting on one socket, readers (READ, ACCEPT) and writers (WRITE, CONNECT) in the order they
   * came, and the socket's poller registration while any wait.
   */
  private static final class Waits implements Poller.IoHandler {
    private final EventLoop loop;
    private final Registry registry;
    private final NetSocket socket;
    private final ArrayDeque<Op<?>> readers = new ArrayDeque<>();
    private final ArrayDeque<Op<?>> writers = new ArrayDeque<>();
    // Invariant: registration is valid and its interest covers exactly the ops waiting, while any waits; once none
    // waits it is cancelled and this object has left the registry.
    private Poller.Registration registration;

    Waits(EventLoop loop, Registry registry, NetSocket socket) {
      this.loop = loop;
      this.registry = registry;
      this.socket = socket;
    }

    ArrayDeque<Op<?>> queue(int op) {
      return (op & (Poller.READ | Poller.ACCEPT)) != 0 ? readers : writers;
    }

    void register() throws IOException {
      if (registration == null || !registration.isValid()) {
        registration = loop.poller().register(socket.pollable(), 0, this);
      }
    }

    void add(Op<?> op) {
      queue(op.op()).add(op);
      update();
    }

    void remove(Op<?> op) {
      queue(op.op()).remove(op);
      update();
    }

    @Override
    public void ready(int readyOps) {
      if ((readyOps & (Poller.READ | Poller.ACCEPT)) != 0) {
        serve(readers);
      }
      if ((readyOps & (Poller.WRITE | Poller.CONNECT)) != 0) {
        serve(writers);
      }
      update();
    }

    private static void serve(ArrayDeque<Op<?>> queue) {
      while (!queue.isEmpty() && queue.peek().serve()) {
        queue.poll();
      }
    }

    private void update() {
      int interest = 0;
      for (Op<?> op : readers) {
        interest |= op.future().isDone() ? 0 : op.op();
      }
      for (Op<?> op : writers) {
        interest |= op.future().isDone() ? 0 : op.op();
      }
      if (interest == 0) {
        if (registration != null && registration.isValid()) {
          registration.cancel();
        }
        registration = null;
        if (readers.isEmpty() && writers.isEmpty()) {
          registry.waits.remove(socket, this);
        }
      } else if (registration != null && registration.isValid() && registration.interestOps() != interest) {
        registration.interestOps(interest);
      }
    }
  }

  /**
   * A loop's sockets: those transports use (claimed), those with operations waiting, and what cancelled receives
   * and accepts took but never handed over (unread). Looked up, never iterated; the weak maps let go of a socket
   * nobody holds any more.
   */
  private static final class Registry {
    final Map<NetSocket, Boolean> claimed = new WeakHashMap<>();
    final Map<NetSocket, Waits> waits = new IdentityHashMap<>();
    final Map<NetSocket, ArrayDeque<Object>> unread = new WeakHashMap<>();
  }

  private static Registry registry(EventLoop loop) {
    return Kernel.get().attachment(loop, Registry.class, Registry::new);
  }

  /**
   * Marks {@code socket} as used by a transport, server or connect of {@code loop} (called as its {@link Watch} is
   * made), so that the operations here refuse it.
   *
   * @throws IllegalStateException if operations here wait on the socket
   */
  static void claim(EventLoop loop, NetSocket socket) {
    Registry registry = registry(loop);
    if (registry.waits.containsKey(socket)) {
      throw new IllegalStateException("socket " + socket + " has Sockets operations waiting on it; a transport"
          + " cannot take it over until they end");
    }
    registry.claimed.put(socket, Boolean.TRUE);
  }

  /** Releases a socket {@link #claim claimed} before (its watch was cancelled). */
  static void release(EventLoop loop, NetSocket socket) {
    registry(loop).claimed.remove(socket);
  }
}
