package io.weft.sim.net;

import io.weft.spi.Network;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * A simulated UDP socket. A send is one datagram, delivered whole after the link's delay, or dropped when the
 * receiver's buffer ({@code SO_RCVBUF}) has no room for it, as a real host drops it. A datagram to a port nobody has
 * bound is answered by "port unreachable", which a connected sender sees at its next send or receive.
 */
final class SimDatagramSocket extends SimSocket implements Network.DatagramSocket {

  private static final List<SocketOption<?>> OPTIONS = List.of(StandardSocketOptions.SO_SNDBUF,
      StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST);

  private record Datagram(InetSocketAddress from, byte[] data) {}

  // Null until bound (at open, or at the first send).
  private InetSocketAddress local;
  private final InetSocketAddress remote;
  // Invariant: queuedBytes is the sum of the queued datagrams' lengths, at most the receive buffer size.
  private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
  private int queuedBytes;
  private IOException pendingError;
  private boolean open = true;

  SimDatagramSocket(SimNetwork net, SimHost host, InetSocketAddress remote) {
    super(net, host, "datagram");
    this.remote = remote;
  }

  void bind(InetSocketAddress local) {
    this.local = local;
    refresh();
  }

  InetSocketAddress local() {
    return local;
  }

  @Override
  String addresses() {
    return local + (remote != null ? " -> " + remote : "");
  }

  @Override
  void checkInvariants() {
    int sum = 0;
    for (Datagram d : queue) {
      sum += d.data().length;
    }
    if (sum != queuedBytes) {
      throw new AssertionError(this + ": " + queuedBytes + " bytes counted, " + sum + " queued");
    }
  }

  @Override
  int readyOps() {
    return (queue.isEmpty() && pendingError == null ? 0 : Poller.READ) | Poller.WRITE;
  }

  @Override
  List<SocketOption<?>> options() {
    return OPTIONS;
  }

  /** A datagram arrived for this socket. */
  void arrive(InetSocketAddress from, byte[] data) {
    if (!open || (remote != null && !remote.equals(from))) {
      return; // a connected socket hears its peer only
    }
    if (queuedBytes + data.length > receiveBufferSize()) {
      return; // no room: dropped, as a host does
    }
    queue.add(new Datagram(from, data));
    queuedBytes += data.length;
    refresh();
  }

  /** "Port unreachable" came back for a datagram this socket sent. */
  void unreachable(InetSocketAddress target) {
    if (open && remote != null) {
      pendingError = new PortUnreachableException("nothing listens on " + target);
      refresh();
    }
  }

  private void throwPendingError() throws IOException {
    IOException e = pendingError;
    if (e != null) {
      pendingError = null;
      refresh();
      throw e;
    }
  }

  @Override
  public SocketAddress receive(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst must not be null");
    checkOpen();
    throwPendingError();
    Datagram d = queue.poll();
    if (d == null) {
      return null;
    }
    queuedBytes -= d.data().length;
    dst.put(d.data(), 0, Math.min(dst.remaining(), d.data().length));
    refresh();
    return d.from();
  }

  @Override
  public int send(ByteBuffer src, SocketAddress target) throws IOException {
    Objects.requireNonNull(src, "src must not be null");
    checkOpen();
    InetSocketAddress to;
    if (target == null) {
      if (remote == null) {
        throw new IllegalArgumentException("an unconnected datagram socket needs a target address");
      }
      to = remote;
    } else {
      to = Opening.requireInet(target, "target");
      if (remote != null && !remote.equals(to)) {
        throw new IllegalArgumentException("this datagram socket is connected to " + remote + ", got target " + to);
      }
    }
    int size = src.remaining();
    int max = maxDatagramSize();
    if (size > max) {
      throw new IOException("datagram of " + size + " bytes is larger than the largest this network sends, " + max
          + " bytes; nothing was sent");
    }
    throwPendingError();
    if (local == null) {
      host.bindUdp(this, new InetSocketAddress(host.wildcard(), 0));
    }
    byte[] data = new byte[size];
    src.get(data);
    net.sendDatagram(this, to, data);
    return size;
  }

  /** This socket's address as a receiver sees it when it sends to {@code to}. */
  InetSocketAddress sourceFor(InetSocketAddress to) {
    return new InetSocketAddress(host.addressFacing(to.getAddress()), local.getPort());
  }

  @Override
  public int maxDatagramSize() {
    return net.maxDatagramSize();
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    checkOpen();
    return local;
  }

  @Override
  public SocketAddress remoteAddress() throws IOException {
    checkOpen();
    return remote;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    markClosed();
    if (local != null) {
      host.releaseUdp(local.getPort(), this);
    }
    queue.clear();
    queuedBytes = 0;
    refresh();
  }
}
