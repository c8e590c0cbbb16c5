package io.weft.sim.net;

import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * How a host's sockets are opened: checking the addresses, binding ports and paths, and sending a connect's SYN (or
 * wiring a Unix-domain connection at once). What happens after that is {@link SimNetwork}'s deliveries.
 */
final class Opening {

  private final SimNetwork net;

  Opening(SimNetwork net) {
    this.net = net;
  }


  StreamSocket connect(SimHost host, SocketAddress remote, SocketAddress local) throws IOException {
    if (remote instanceof UnixDomainSocketAddress path) {
      return connectUnix(host, path, local);
    }
    InetSocketAddress r = requireInet(remote, "remote");
    InetSocketAddress l = local == null ? null : requireInet(local, "local");
    if (r.getPort() == 0) {
      throw new IllegalArgumentException("cannot connect to port 0: " + r);
    }
    if (l != null && (l.getAddress() instanceof Inet6Address) != (r.getAddress() instanceof Inet6Address)) {
      // as NIO, which opens the socket in the remote's family and cannot bind it to the other family's address
      throw new IllegalArgumentException("local and remote addresses must be of one family, got " + l + " and " + r);
    }
    net.requireLoop(); // fails before anything is opened when no loop can deliver the SYN
    SimHost target = r.getAddress().isLoopbackAddress() ? host : net.hostAt(r.getAddress());
    InetAddress from = l == null || l.getAddress().isAnyLocalAddress() ? host.addressFacing(r.getAddress())
        : l.getAddress();
    Flow out = new Flow(net, net.nextFlowId(), host, target);
    Flow back = new Flow(net, net.nextFlowId(), target, host);
    out.reverse = back;
    back.reverse = out;
    int port = host.pickTcp(new InetSocketAddress(from, l == null ? 0 : l.getPort()));
    SimStreamSocket s = new SimStreamSocket(net, host, new InetSocketAddress(from, port), r, out, back, false);
    host.holdTcp(port, s);
    if (target == null) {
      back.send(Segment.Kind.UNREACHABLE, Segment.NONE);
    } else {
      out.send(Segment.Kind.SYN, Segment.NONE);
    }
    return s;
  }

  /**
   * A Unix-domain connect completes at once, or is refused at once (nothing listens on the path, or its backlog is
   * full); the two ends are wired before it returns, and data between them crosses the host's own link.
   */
  private StreamSocket connectUnix(SimHost host, UnixDomainSocketAddress path, SocketAddress local)
      throws IOException {
    if (local != null && !(local instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException("local address " + local + " is not Unix-domain like the remote " + path);
    }
    if (local != null && !((UnixDomainSocketAddress) local).getPath().toString().isEmpty()) {
      throw new UnsupportedOperationException("the simulated network does not bind Unix-domain clients, got " + local);
    }
    SimListenSocket l = host.unixListenerFor(path);
    if (l == null || l.queueFull()) {
      throw new ConnectException("Connection refused: " + path + (l == null ? " (nothing listens there)"
          : " (the backlog of " + l.backlog + " is full)"));
    }
    net.requireLoop();
    UnixDomainSocketAddress unnamed = UnixDomainSocketAddress.of("");
    Flow out = new Flow(net, net.nextFlowId(), host, host);
    Flow back = new Flow(net, net.nextFlowId(), host, host);
    out.reverse = back;
    back.reverse = out;
    SimStreamSocket client = new SimStreamSocket(net, host, unnamed, path, out, back, false);
    SimStreamSocket server = new SimStreamSocket(net, host, path, unnamed, back, out, true);
    client.connected();
    l.enqueue(server);
    return client;
  }

  ListenSocket listen(SimHost host, SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
      throws IOException {
    Objects.requireNonNull(local, "local address must not be null");
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
    }
    if (local instanceof UnixDomainSocketAddress path) {
      if (reuseAddress || reusePort) {
        throw new IllegalArgumentException("SO_REUSEADDR and SO_REUSEPORT do not apply to a Unix-domain address, got "
            + path);
      }
      SimListenSocket s = new SimListenSocket(net, host, path, backlog);
      try {
        host.bindUnix(path, s);
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return s;
    }
    InetSocketAddress l = requireInet(local, "local");
    if (reusePort) {
      throw new UnsupportedOperationException("the simulated network does not model SO_REUSEPORT");
    }
    int port = host.pickTcp(l);
    SimListenSocket s = new SimListenSocket(net, host, new InetSocketAddress(l.getAddress(), port), backlog);
    host.holdTcp(port, s);
    s.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
    return s;
  }

  DatagramSocket openDatagram(SimHost host, SocketAddress local, SocketAddress remote, boolean broadcast)
      throws IOException {
    if (local instanceof UnixDomainSocketAddress || remote instanceof UnixDomainSocketAddress) {
      throw new UnsupportedOperationException("the simulated network has no Unix-domain datagrams, got "
          + (local != null ? local : remote));
    }
    if (local == null && remote == null) {
      throw new IllegalArgumentException("a datagram socket needs a local or a remote address, got neither");
    }
    InetSocketAddress r = remote == null ? null : requireInet(remote, "remote");
    InetSocketAddress l = local == null ? null : requireInet(local, "local");
    SimDatagramSocket s = new SimDatagramSocket(net, host, r);
    try {
      if (l != null) {
        host.bindUdp(s, l);
      } else { // a connected socket is bound by its connect, to the address that faces its peer
        host.bindUdp(s, new InetSocketAddress(host.addressFacing(r.getAddress()), 0));
      }
      s.setOption(StandardSocketOptions.SO_BROADCAST, broadcast);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  static InetSocketAddress requireInet(SocketAddress a, String what) {
    Objects.requireNonNull(a, what + " address must not be null");
    if (a instanceof UnixDomainSocketAddress) {
      throw new IllegalArgumentException(what + " address " + a + " is Unix-domain where an inet address is needed");
    }
    if (!(a instanceof InetSocketAddress i)) {
      throw new IllegalArgumentException("unsupported " + what + " address " + a + " (" + a.getClass().getName() + ")");
    }
    if (i.isUnresolved()) {
      throw new IllegalArgumentException(what + " address " + a + " is unresolved; resolve it first");
    }
    return i;
  }
}
