package io.weft.sim.net;

import io.weft.internal.CallSite;
import io.weft.spi.Network;
import io.weft.spi.Poller;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/** What every simulated socket has: its host, a readiness source, options, and open or closed. */
abstract sealed class SimSocket implements Network.NetSocket
    permits SimStreamSocket, SimListenSocket, SimDatagramSocket {

  final SimNetwork net;
  final SimHost host;
  final long id;
  final VirtualPoller.Source source;
  private final String name;
  // Where user code opened the socket (CallSite's short form), or null.
  private final String openedAt;
  // For a connection a listener accepted (made by a delivery, with no user frame): the listener and its site.
  private String acceptedBy;
  private int reportedOps;
  private int sendBufferSize;
  private int receiveBufferSize;
  private boolean noDelay;
  private boolean keepAlive;
  private boolean reuseAddress;
  private boolean broadcast;

  SimSocket(SimNetwork net, SimHost host, String kind) {
    this.net = net;
    this.host = host;
    this.id = net.nextSocketId();
    this.name = kind + "#" + id + "@" + host.name();
    this.source = net.poller().newSource(name);
    this.sendBufferSize = net.sendBufferSize();
    this.receiveBufferSize = net.receiveBufferSize();
    this.openedAt = CallSite.here();
    net.opened(this);
  }

  /** One line for a leak report: what the socket is and where user code opened it. */
  final String report() {
    return this + " " + addresses() + (acceptedBy != null ? ", accepted by " + acceptedBy
        : openedAt != null ? ", opened at " + openedAt : "");
  }

  /** Marks this socket as accepted by {@code listener}: a leak report names the listener and where it was opened. */
  final void acceptedBy(SimSocket listener) {
    acceptedBy = listener + (listener.openedAt != null ? " (opened at " + listener.openedAt + ")" : "");
  }

  /** The socket's addresses, for reports. */
  abstract String addresses();

  /** Checks the socket's invariants; {@link SimNetwork#checkInvariants()} calls it. */
  void checkInvariants() {}

  /** The operations the socket is ready for now, while open. */
  abstract int readyOps();

  /** The options this kind of socket has. */
  abstract List<SocketOption<?>> options();

  /** Called once by each kind's close: the socket no longer counts as open. */
  final void markClosed() {
    net.closed(this);
    source.cancelRegistrations();
  }

  /** Reports the socket's readiness to its source if it changed (0 once closed). */
  final void refresh() {
    int ops = isOpen() ? readyOps() : 0;
    if (ops != reportedOps) {
      reportedOps = ops;
      source.setReady(ops);
    }
  }

  @Override
  public final Poller.Pollable pollable() {
    return source;
  }

  final void checkOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  int sendBufferSize() {
    return sendBufferSize;
  }

  int receiveBufferSize() {
    return receiveBufferSize;
  }

  @Override
  @SuppressWarnings("unchecked")
  public final <T> T getOption(SocketOption<T> option) throws IOException {
    checkOption(option);
    checkOpen();
    Object v;
    if (option == StandardSocketOptions.SO_SNDBUF) {
      v = sendBufferSize;
    } else if (option == StandardSocketOptions.SO_RCVBUF) {
      v = receiveBufferSize;
    } else if (option == StandardSocketOptions.TCP_NODELAY) {
      v = noDelay;
    } else if (option == StandardSocketOptions.SO_KEEPALIVE) {
      v = keepAlive;
    } else if (option == StandardSocketOptions.SO_REUSEADDR) {
      v = reuseAddress;
    } else {
      v = broadcast;
    }
    return (T) v;
  }

  @Override
  public final <T> void setOption(SocketOption<T> option, T value) throws IOException {
    checkOption(option);
    if (value == null) {
      throw new IllegalArgumentException(option.name() + " must not be null");
    }
    checkOpen();
    if (option == StandardSocketOptions.SO_SNDBUF || option == StandardSocketOptions.SO_RCVBUF) {
      int size = (Integer) value;
      if (size <= 0) {
        throw new IllegalArgumentException(option.name() + " must be > 0, got " + size);
      }
      if (option == StandardSocketOptions.SO_SNDBUF) {
        sendBufferSize = size;
      } else {
        receiveBufferSize = size;
      }
      buffersChanged();
    } else if (option == StandardSocketOptions.TCP_NODELAY) {
      noDelay = (Boolean) value;
    } else if (option == StandardSocketOptions.SO_KEEPALIVE) {
      keepAlive = (Boolean) value;
    } else if (option == StandardSocketOptions.SO_REUSEADDR) {
      reuseAddress = (Boolean) value;
    } else {
      broadcast = (Boolean) value;
    }
  }

  /** A buffer size changed: the windows may have moved. */
  void buffersChanged() {
    refresh();
  }

  private void checkOption(SocketOption<?> option) {
    if (!options().contains(option)) {
      throw new UnsupportedOperationException("the simulated " + getClass().getSimpleName() + " has no option "
          + option + "; it has " + options());
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
