package io.weft.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** {@link NioNetwork}'s stream socket, on a non-blocking {@link SocketChannel}. */
final class NioStreamSocket extends NioSocket<SocketChannel> implements Network.StreamSocket {

  // The address connected to, kept for messages and for remoteAddress() while the connect is pending.
  private final SocketAddress remote;

  NioStreamSocket(SocketChannel channel, SocketAddress remote) {
    super(channel);
    this.remote = remote;
  }

  @Override
  public boolean finishConnect() throws IOException {
    if (channel.isConnected()) {
      return true;
    }
    try {
      return channel.finishConnect();
    } catch (IOException e) {
      close(); // NIO closes the channel on a failed finishConnect already; this makes it certain
      throw NioNetwork.named(e, remote);
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return channel.write(srcs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void abort() {
    if (!channel.isOpen()) {
      return;
    }
    if (!(remote instanceof UnixDomainSocketAddress)) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException | RuntimeException e) {
        // Not connected or already reset: a plain close is all that is left to do.
      }
    }
    close();
  }

  @Override
  public SocketAddress remoteAddress() throws IOException {
    SocketAddress connected = channel.getRemoteAddress();
    return connected != null ? connected : remote;
  }

  @Override
  public String toString() {
    return "NioStreamSocket[" + describeLocal() + " -> " + remote + "]";
  }
}
