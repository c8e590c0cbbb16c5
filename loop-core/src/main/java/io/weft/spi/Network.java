package io.weft.spi;

import io.weft.Api;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The loop's sockets: what transports, servers and streams need of a network, and nothing more.
 *
 * <p>A loop owns one network beside its {@link Clock} and {@link Poller}: {@link NioNetwork} (NIO channels,
 * watched by a {@link NioPoller}) for the production loop, a simulated network (in memory, watched by a
 * {@link VirtualPoller}) for a simulated one. Transports are written once against this interface and never learn
 * which network they run on.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>One thread.</b> A network and its sockets are used from one loop thread; nothing here is thread-safe.
 *       The only exception is {@link #resolve}, which may block and is therefore called off the loop thread when
 *       {@link #resolvesWithoutBlocking()} is false.
 *   <li><b>Non-blocking.</b> No method but {@link #resolve} ever waits. A socket says it is worth calling again
 *       through its {@link NetSocket#pollable() pollable}, registered with the loop's poller for
 *       {@link Poller#READ}, {@link Poller#WRITE}, {@link Poller#CONNECT} or {@link Poller#ACCEPT}. Readiness is a
 *       hint: an operation called when ready may still find nothing to do (and says so: 0 or {@code null}).
 *   <li><b>Addresses.</b> An address is an {@link InetSocketAddress} that is resolved (IPv4 or IPv6, port 0 meaning
 *       "any free port" when binding) or a {@link UnixDomainSocketAddress}. Anything else, or an unresolved
 *       {@link InetSocketAddress}, is an {@link IllegalArgumentException} naming the address. Resolution is
 *       {@link #resolve}'s job, never a socket's.
 *   <li><b>Nothing leaks.</b> A method that throws leaves no socket open behind it: a refused connect or a failed
 *       bind has released whatever it opened.
 *   <li><b>Errors name the value</b>: "port must be in 0-65535, got 70000", an {@link UnknownHostException}
 *       naming the host, a {@link ConnectException} or {@link java.net.BindException} naming the address. A null
 *       argument is a {@link NullPointerException} unless its parameter says null is allowed.
 * </ul>
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface Network {

  /**
   * Starts connecting a stream socket to {@code remote}, without waiting.
   *
   * <p>The connect may complete at once (Unix-domain sockets usually do): call {@link StreamSocket#finishConnect()}
   * right away, and only if it returns false wait for {@link Poller#CONNECT} and call it again.
   *
   * @param remote where to connect: a resolved {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   * @param local where to bind first, of the same kind as {@code remote}, or {@code null} for an ephemeral address
   * @return the connecting socket, never null
   * @throws ConnectException if the connect is refused at once (nothing listens on a Unix-domain path); nothing
   *     is left open
   * @throws java.net.BindException if {@code local} cannot be bound; nothing is left open
   * @throws IOException for other failures to start the connect; nothing is left open
   * @throws IllegalArgumentException if an address is of an unsupported kind or unresolved, or the two differ in
   *     kind
   */
  StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException;

  /**
   * Opens a listening stream socket bound to {@code local}.
   *
   * @param local where to listen; port 0 picks a free port, which {@link NetSocket#localAddress()} then reports
   * @param backlog the accept queue's length, at least 1
   * @param reuseAddress sets {@code SO_REUSEADDR} before binding; must be false for a Unix-domain address
   * @param reusePort sets {@code SO_REUSEPORT} before binding; must be false for a Unix-domain address
   * @return the listening socket, never null
   * @throws java.net.BindException if the address is in use (a Unix-domain path that exists is in use); nothing is
   *     left open
   * @throws IOException for other failures; nothing is left open
   * @throws IllegalArgumentException for a bad address or backlog, or a reuse flag with a Unix-domain address
   * @throws UnsupportedOperationException if {@code reusePort} is asked for and this network cannot do it
   */
  ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort) throws IOException;

  /**
   * Opens a datagram (UDP) socket.
   *
   * <p>At least one address must be given: it fixes the socket's address family.
   *
   * @param local where to bind, or {@code null} to bind to an ephemeral port when connecting or at the first send
   * @param remote the only peer to talk to (the socket is connected: it receives from that peer only), or
   *     {@code null} for an unconnected socket
   * @param broadcast sets {@code SO_BROADCAST}
   * @return the socket, never null
   * @throws java.net.BindException if {@code local} is in use; nothing is left open
   * @throws IOException for other failures; nothing is left open
   * @throws IllegalArgumentException if both addresses are null, or either is of an unsupported kind or unresolved
   * @throws UnsupportedOperationException for Unix-domain addresses on a network without Unix-domain datagrams
   */
  DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast) throws IOException;

  /**
   * Resolves {@code host} to the addresses to try, in the order to try them.
   *
   * <p>May block: the loop calls it off the loop thread in production; the simulated network answers from its
   * name table at once (see {@link #resolvesWithoutBlocking()}). A literal IPv4 or IPv6 address resolves to
   * itself without a lookup.
   *
   * @param host a host name or a literal address; not null, not empty
   * @param port the port to put in each address, in 0-65535
   * @return one or more resolved addresses, without duplicates, never null or empty
   * @throws UnknownHostException naming {@code host} if it does not resolve
   * @throws IllegalArgumentException if the port is out of range ("port must be in 0-65535, got 70000") or the
   *     host is empty
   */
  List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException;

  /** Returns whether {@link #resolve} answers at once, so the loop may call it on its own thread. */
  boolean resolvesWithoutBlocking();

  /**
   * The addresses a server listens on for "every interface" (asyncio's {@code host=None}): by default IPv4's
   * wildcard, {@code 0.0.0.0}. A network that has dual-stack sockets may answer one IPv6 wildcard, which accepts
   * IPv4 connections too.
   *
   * @param port the port, in 0-65535
   */
  default List<InetSocketAddress> wildcard(int port) {
    return List.of(new InetSocketAddress(java.net.InetAddress.ofLiteral("0.0.0.0"), port));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sockets
  // ------------------------------------------------------------------------------------------------------------

  /**
   * What every socket of a network has: a source for the poller, an address, options, and a close.
   *
   * <p>After {@link #close()}, every operation but {@link #close()}, {@link #isOpen()}, {@link #pollable()} and a
   * stream socket's {@link StreamSocket#abort()} throws {@link java.nio.channels.ClosedChannelException}.
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  interface NetSocket extends AutoCloseable {

    /** Returns the source to register with the loop's poller; the same object on every call, never null. */
    Poller.Pollable pollable();

    /**
     * Returns the address this socket is bound to: the port chosen for port 0, an unnamed (empty-path)
     * {@link UnixDomainSocketAddress} for an unbound Unix-domain socket, or {@code null} if not bound yet.
     */
    SocketAddress localAddress() throws IOException;

    /**
     * Returns a socket option's value.
     *
     * <p>Every network supports, where the socket kind has them: {@code TCP_NODELAY} and {@code SO_KEEPALIVE}
     * (inet stream sockets), {@code SO_SNDBUF} and {@code SO_RCVBUF} (all), {@code SO_REUSEADDR} (inet),
     * {@code SO_BROADCAST} (datagram sockets), the constants of {@link java.net.StandardSocketOptions}.
     *
     * @throws UnsupportedOperationException naming the option if this socket does not support it
     */
    <T> T getOption(SocketOption<T> option) throws IOException;

    /**
     * Sets a socket option; see {@link #getOption} for the options every network supports.
     *
     * @throws UnsupportedOperationException naming the option if this socket does not support it
     * @throws IllegalArgumentException if the value is invalid for the option
     */
    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    /** Returns whether the socket is open: true until {@link #close()} (or a stream socket's abort). */
    boolean isOpen();

    /**
     * Closes the socket and releases what it holds. Idempotent; never throws.
     *
     * <p>A stream socket closes gracefully: the peer reads what was written, then EOF (but see
     * {@link StreamSocket#abort()} for data this side never read). A registration of the pollable becomes invalid.
     */
    @Override
    void close();
  }

  /** A connected (or connecting) byte stream: TCP, or a Unix-domain stream socket. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  interface StreamSocket extends NetSocket {

    /**
     * Completes a connect: returns true once connected (and on every call after that), false while the connect is
     * still pending.
     *
     * @throws ConnectException if the peer refused; the socket is closed by then, nothing is left open
     * @throws IOException for other connect failures (unreachable, timed out); the socket is closed by then
     */
    boolean finishConnect() throws IOException;

    /**
     * Reads what is there into {@code dst}, without waiting.
     *
     * @return the number of bytes read; 0 if nothing is there now (or {@code dst} has no room); -1 at EOF (the peer
     *     shut down its output and everything before was read)
     * @throws IOException if the connection was reset (the peer aborted); the message says so
     * @throws java.nio.channels.NotYetConnectedException if the connect has not finished
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes what the send buffer takes from {@code src}, without waiting.
     *
     * @return the number of bytes taken, from 0 (the send buffer is full: wait for {@link Poller#WRITE}) to
     *     {@code src.remaining()}
     * @throws IOException if the connection was reset or the peer is gone (broken pipe)
     * @throws java.nio.channels.ClosedChannelException after {@link #shutdownOutput()} or {@link #close()}
     */
    int write(ByteBuffer src) throws IOException;

    /**
     * Writes from several buffers in order, as {@link #write(ByteBuffer)} does from one (a gathering write).
     *
     * <p>The default writes buffer by buffer and stops at the first that is not taken whole; a network may do it
     * in one system call.
     *
     * @return the total number of bytes taken
     */
    default long write(ByteBuffer[] srcs) throws IOException {
      long total = 0;
      for (ByteBuffer src : srcs) {
        if (src.hasRemaining()) {
          total += write(src);
          if (src.hasRemaining()) {
            break;
          }
        }
      }
      return total;
    }

    /**
     * Shuts down this side's output: the peer reads what was written and then EOF (TCP's FIN); this side can still
     * read. Idempotent.
     */
    void shutdownOutput() throws IOException;

    /**
     * Closes the socket abruptly: what was written but not sent is dropped and the peer's next read fails with a
     * reset (TCP's RST, by {@code SO_LINGER} 0). Idempotent, never throws, and a no-op after {@link #close()}.
     *
     * <p>Unix-domain stream sockets have no reset: their peer reads EOF, or a reset if this side left data
     * unread.
     */
    void abort();

    /**
     * Returns the peer's address: the address being connected to while the connect is pending, an unnamed
     * (empty-path) {@link UnixDomainSocketAddress} for the client of an accepted Unix-domain connection.
     */
    SocketAddress remoteAddress() throws IOException;
  }

  /** A listening stream socket. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  interface ListenSocket extends NetSocket {

    /**
     * Accepts a pending connection, without waiting.
     *
     * @return the connected socket (its connect already finished), or {@code null} if none is pending
     * @throws IOException if accepting failed (the backlog's connection was reset, or too many open files); the
     *     listening socket stays usable
     */
    StreamSocket accept() throws IOException;
  }

  /** A datagram socket: whole messages, each sent or dropped whole. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  interface DatagramSocket extends NetSocket {

    /**
     * Receives one datagram into {@code dst}, without waiting.
     *
     * <p>A datagram larger than {@code dst.remaining()} is truncated: the rest is discarded.
     *
     * @return the sender's address, or {@code null} if no datagram is there
     * @throws IOException if an earlier send on a connected socket was refused by the peer
     *     ({@link java.net.PortUnreachableException}); the socket stays usable
     */
    SocketAddress receive(ByteBuffer dst) throws IOException;

    /**
     * Sends {@code src}'s remaining bytes as one datagram, without waiting.
     *
     * @param target where to send, or {@code null} to send to a connected socket's peer
     * @return {@code src.remaining()} if sent, 0 if there is no room now (wait for {@link Poller#WRITE})
     * @throws IOException naming both sizes if the datagram is larger than {@link #maxDatagramSize()} (nothing is
     *     sent), or if the peer of a connected socket refused an earlier datagram
     * @throws IllegalArgumentException if {@code target} is null on an unconnected socket, or given (and different
     *     from the peer) on a connected one
     */
    int send(ByteBuffer src, SocketAddress target) throws IOException;

    /** Returns the largest datagram {@link #send} accepts, in bytes (65507 for UDP on IPv4). */
    int maxDatagramSize();

    /** Returns the connected peer's address, or {@code null} for an unconnected socket. */
    SocketAddress remoteAddress() throws IOException;
  }
}
