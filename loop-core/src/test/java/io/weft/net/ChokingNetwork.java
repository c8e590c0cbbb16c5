package io.weft.net;

import io.weft.spi.Network;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A network that passes everything to another, except that while {@link #full} its datagram sockets' sends find
 * no room (return 0), as a real socket with a full send buffer does; for the datagram transport's buffering.
 */
final class ChokingNetwork implements Network {

  private final Network inner;
  /** While true, every datagram send returns 0 and sends nothing. */
  boolean full;
  /** How many sends returned 0. */
  int refusedSends;

  ChokingNetwork(Network inner) {
    this.inner = inner;
  }

  @Override
  public StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
    return inner.connect(remote, local);
  }

  @Override
  public ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
      throws IOException {
    return inner.listen(local, backlog, reuseAddress, reusePort);
  }

  @Override
  public DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast)
      throws IOException {
    DatagramSocket s = inner.openDatagram(local, remote, broadcast);
    return new DatagramSocket() {
      @Override
      public SocketAddress receive(ByteBuffer dst) throws IOException {
        return s.receive(dst);
      }

      @Override
      public int send(ByteBuffer src, SocketAddress target) throws IOException {
        if (full) {
          refusedSends++;
          return 0;
        }
        return s.send(src, target);
      }

      @Override
      public int maxDatagramSize() {
        return s.maxDatagramSize();
      }

      @Override
      public SocketAddress remoteAddress() throws IOException {
        return s.remoteAddress();
      }

      @Override
      public Poller.Pollable pollable() {
        return s.pollable();
      }

      @Override
      public SocketAddress localAddress() throws IOException {
        return s.localAddress();
      }

      @Override
      public <T> T getOption(SocketOption<T> option) throws IOException {
        return s.getOption(option);
      }

      @Override
      public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        s.setOption(option, value);
      }

      @Override
      public boolean isOpen() {
        return s.isOpen();
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return inner.resolve(host, port);
  }

  @Override
  public boolean resolvesWithoutBlocking() {
    return inner.resolvesWithoutBlocking();
  }
}
