package io.weft.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** {@link NioNetwork}'s datagram socket, on a non-blocking {@link DatagramChannel}. */
final class NioDatagramSocket extends NioSocket<DatagramChannel> implements Network.DatagramSocket {

  private final int maxDatagramSize;

  NioDatagramSocket(DatagramChannel channel, int maxDatagramSize) {
    super(channel);
    this.maxDatagramSize = maxDatagramSize;
  }

  @Override
  public SocketAddress receive(ByteBuffer dst) throws IOException {
    return channel.receive(dst);
  }

  @Override
  public int send(ByteBuffer src, SocketAddress target) throws IOException {
    if (src.remaining() > maxDatagramSize) {
      throw new IOException("datagram of " + src.remaining() + " bytes is larger than the maximum of "
          + maxDatagramSize + " (Message too long)");
    }
    SocketAddress peer = channel.getRemoteAddress(); // throws ClosedChannelException once closed
    if (peer != null) {
      if (target != null && !target.equals(peer)) {
        throw new IllegalArgumentException(
            "a connected datagram socket sends only to its peer " + peer + ", got target " + target);
      }
      return channel.write(src);
    }
    if (target == null) {
      throw new IllegalArgumentException("an unconnected datagram socket needs a target address, got null");
    }
    NioNetwork.familyOf(target, "target");
    return channel.send(src, target);
  }

  @Override
  public int maxDatagramSize() {
    return maxDatagramSize;
  }

  @Override
  public SocketAddress remoteAddress() throws IOException {
    return channel.getRemoteAddress();
  }

  @Override
  public String toString() {
    return "NioDatagramSocket[" + describeLocal() + "]";
  }
}
