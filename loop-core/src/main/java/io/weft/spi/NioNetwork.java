package io.weft.spi;

import io.weft.Api;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The production network, on NIO channels in non-blocking mode, watched by a {@link NioPoller}.
 *
 * <p>Stream sockets are {@link SocketChannel}s, listening sockets {@link ServerSocketChannel}s, datagram sockets
 * {@link DatagramChannel}s; inet (IPv4, IPv6) and Unix-domain stream sockets are supported. NIO has no Unix-domain
 * datagram sockets, so {@link #openDatagram} refuses Unix-domain addresses. {@link #resolve} asks the system
 * resolver ({@link InetAddress#getAllByName}) and may block. Channels made elsewhere join through the
 * {@code wrap} methods.
 *
 * <p>What the operating system does shows through, as it does in asyncio. On Linux: a peer's read after an
 * {@linkplain StreamSocket#abort() abort} throws {@link java.net.SocketException} "Connection reset"; closing a TCP
 * socket whose received data was never read resets the connection too; closing a channel registered with a
 * selector releases its descriptor at the selector's next poll (NIO defers it), though the peer already sees the
 * FIN; a listener on the IPv6 wildcard also takes IPv4 connections (NIO cannot set {@code IPV6_V6ONLY}), so a
 * second listener on {@code 0.0.0.0} and the same port fails to bind.
 *
 * <p>Holds no state: one instance may serve any number of loops.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class NioNetwork implements Network {

  /** Creates the network; it opens nothing until asked. */
  public NioNetwork() {}

  @Override
  public StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
    ProtocolFamily family = familyOf(remote, "remote");
    if (local != null) {
      checkSameFamily(familyOf(local, "local"), local, family, remote);
    }
    SocketChannel channel = SocketChannel.open(family);
    try {
      channel.configureBlocking(false);
      if (local != null) {
        channel.bind(local);
      }
      channel.connect(remote);
      return new NioStreamSocket(channel, remote);
    } catch (IOException e) {
      closeQuietly(channel);
      if (family == StandardProtocolFamily.UNIX && e instanceof java.net.SocketException
          && !(e instanceof java.net.BindException)) {
        // NIO reports a Unix-domain path nobody listens on as a plain SocketException (ENOENT, ECONNREFUSED).
        java.net.ConnectException refused = new java.net.ConnectException(e.getMessage());
        refused.initCause(e);
        throw named(refused, remote);
      }
      throw named(e, e instanceof java.net.BindException ? local : remote);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
      throws IOException {
    ProtocolFamily family = familyOf(local, "local");
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
    }
    if (family == StandardProtocolFamily.UNIX && (reuseAddress || reusePort)) {
      throw new IllegalArgumentException("reuseAddress and reusePort must be false for a Unix-domain address, got "
          + reuseAddress + " and " + reusePort + " for " + local);
    }
    ServerSocketChannel channel = ServerSocketChannel.open(family);
    try {
      channel.configureBlocking(false);
      if (family != StandardProtocolFamily.UNIX) {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
        if (reusePort) {
          if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
            throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform");
          }
          channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
      }
      channel.bind(local, backlog);
      return new NioListenSocket(channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw named(e, local);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast)
      throws IOException {
    if (local == null && remote == null) {
      throw new IllegalArgumentException("openDatagram needs a local or a remote address, got neither");
    }
    ProtocolFamily family = local != null ? familyOf(local, "local") : familyOf(remote, "remote");
    if (local != null && remote != null) {
      checkSameFamily(family, local, familyOf(remote, "remote"), remote);
    }
    if (family == StandardProtocolFamily.UNIX) {
      throw new UnsupportedOperationException(
          "NIO has no Unix-domain datagram sockets, got " + (local != null ? local : remote));
    }
    DatagramChannel channel = DatagramChannel.open(family);
    try {
      channel.configureBlocking(false);
      if (broadcast) {
        channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
      }
      if (local != null) {
        channel.bind(local);
      }
      if (remote != null) {
        channel.connect(remote);
      }
      return new NioDatagramSocket(channel, family == StandardProtocolFamily.INET ? 65_507 : 65_527);
    } catch (IOException e) {
      closeQuietly(channel);
      throw named(e, e instanceof java.net.BindException ? local : remote);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    Objects.requireNonNull(host, "host must not be null");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    checkPort(port);
    InetAddress[] found;
    try {
      found = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      if (e.getMessage() != null && e.getMessage().contains(host)) {
        throw e;
      }
      UnknownHostException named = new UnknownHostException(host + ": " + e.getMessage());
      named.initCause(e);
      throw named;
    }
    Set<InetAddress> distinct = new LinkedHashSet<>(List.of(found));
    List<InetSocketAddress> out = new ArrayList<>(distinct.size());
    for (InetAddress a : distinct) {
      out.add(new InetSocketAddress(a, port));
    }
    return List.copyOf(out);
  }

  /**
   * The JDK's own wildcard: {@code ::} when the JVM has IPv6 (a dual-stack socket, which also accepts IPv4
   * connections: the JDK cannot set {@code IPV6_V6ONLY}, so asyncio's separate {@code 0.0.0.0} and {@code ::}
   * sockets on one port would collide), {@code 0.0.0.0} otherwise (or with {@code -Djava.net.preferIPv4Stack=true}).
   */
  @Override
  public List<InetSocketAddress> wildcard(int port) {
    return List.of(new InetSocketAddress(port));
  }

  @Override
  public boolean resolvesWithoutBlocking() {
    return false;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Channels made elsewhere (asyncio's sock= arguments)
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Adopts a stream channel made elsewhere: puts it in non-blocking mode and returns it as this network's socket,
   * which owns it from then on (closing the socket closes the channel).
   *
   * @param channel an open channel, connected or with a connect pending
   * @throws IllegalArgumentException naming the channel if it is closed, or neither connected nor connecting
   */
  public StreamSocket wrap(SocketChannel channel) throws IOException {
    Objects.requireNonNull(channel, "channel must not be null");
    if (!channel.isOpen() || !(channel.isConnected() || channel.isConnectionPending())) {
      throw new IllegalArgumentException("channel must be open and connected or connecting, got " + channel);
    }
    channel.configureBlocking(false);
    return new NioStreamSocket(channel, channel.getRemoteAddress());
  }

  /**
   * Adopts a listening channel made elsewhere: puts it in non-blocking mode and returns it as this network's
   * socket, which owns it from then on.
   *
   * @param channel an open, bound channel
   * @throws IllegalArgumentException naming the channel if it is closed or not bound
   */
  public ListenSocket wrap(ServerSocketChannel channel) throws IOException {
    Objects.requireNonNull(channel, "channel must not be null");
    if (!channel.isOpen() || channel.getLocalAddress() == null) {
      throw new IllegalArgumentException("channel must be open and bound, got " + channel);
    }
    channel.configureBlocking(false);
    return new NioListenSocket(channel);
  }

  /**
   * Adopts a datagram channel made elsewhere: puts it in non-blocking mode and returns it as this network's socket,
   * which owns it from then on. Its {@link DatagramSocket#maxDatagramSize()} is IPv6's (65527) if it is bound or
   * connected to an IPv6 address, IPv4's (65507) otherwise.
   *
   * @param channel an open channel
   * @throws IllegalArgumentException naming the channel if it is closed
   */
  public DatagramSocket wrap(DatagramChannel channel) throws IOException {
    Objects.requireNonNull(channel, "channel must not be null");
    if (!channel.isOpen()) {
      throw new IllegalArgumentException("channel must be open, got " + channel);
    }
    channel.configureBlocking(false);
    SocketAddress a = channel.getRemoteAddress() != null ? channel.getRemoteAddress() : channel.getLocalAddress();
    boolean v6 = a instanceof InetSocketAddress inet && inet.getAddress() instanceof java.net.Inet6Address
        && !inet.getAddress().isAnyLocalAddress();
    return new NioDatagramSocket(channel, v6 ? 65_527 : 65_507);
  }

  @Override
  public String toString() {
    return "NioNetwork";
  }

  // ------------------------------------------------------------------------------------------------------------

  /** Throws naming the port unless it is in 0-65535. */
  static void checkPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0-65535, got " + port);
    }
  }

  /** Returns the protocol family of a supported address, or throws naming what is wrong with it. */
  static ProtocolFamily familyOf(SocketAddress address, String what) {
    Objects.requireNonNull(address, what + " address must not be null");
    if (address instanceof UnixDomainSocketAddress) {
      return StandardProtocolFamily.UNIX;
    }
    if (address instanceof InetSocketAddress inet) {
      if (inet.isUnresolved()) {
        throw new IllegalArgumentException(
            what + " address must be resolved (see Network.resolve), got unresolved " + inet);
      }
      return inet.getAddress() instanceof java.net.Inet4Address
          ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }
    throw new IllegalArgumentException(what + " address must be an InetSocketAddress or a UnixDomainSocketAddress,"
        + " got " + address.getClass().getName() + " " + address);
  }

  private static void checkSameFamily(ProtocolFamily a, SocketAddress aAddress, ProtocolFamily b,
      SocketAddress bAddress) {
    if (a != b) {
      throw new IllegalArgumentException("local and remote addresses must be of one family, got " + aAddress + " ("
          + a + ") and " + bAddress + " (" + b + ")");
    }
  }

  /**
   * Returns a connect or bind failure with the address in its message (NIO's says only "Connection refused" or
   * "Address already in use"); other failures unchanged.
   */
  static IOException named(IOException e, SocketAddress address) {
    String message = e.getMessage() + ": " + address;
    IOException out;
    if (e instanceof java.net.ConnectException) {
      out = new java.net.ConnectException(message);
    } else if (e instanceof java.net.BindException) {
      out = new java.net.BindException(message);
    } else {
      return e;
    }
    out.initCause(e);
    return out;
  }

  static void closeQuietly(NetworkChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // The descriptor is released even when close reports an error; there is nothing left to do.
    }
  }
}
