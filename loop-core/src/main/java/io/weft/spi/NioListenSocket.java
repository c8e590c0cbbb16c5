package io.weft.spi;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** {@link NioNetwork}'s listening socket, on a non-blocking {@link ServerSocketChannel}. */
final class NioListenSocket extends NioSocket<ServerSocketChannel> implements Network.ListenSocket {

  NioListenSocket(ServerSocketChannel channel) {
    super(channel);
  }

  @Override
  public Network.StreamSocket accept() throws IOException {
    SocketChannel accepted = channel.accept();
    if (accepted == null) {
      return null;
    }
    try {
      accepted.configureBlocking(false);
      return new NioStreamSocket(accepted, accepted.getRemoteAddress());
    } catch (IOException | RuntimeException e) {
      NioNetwork.closeQuietly(accepted);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "NioListenSocket[" + describeLocal() + "]";
  }
}
