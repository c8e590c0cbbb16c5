package io.weft.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;

/** What {@link NioNetwork}'s three socket kinds share: a non-blocking channel, its pollable, options and close. */
abstract class NioSocket<C extends SelectableChannel & NetworkChannel> implements Network.NetSocket {

  final C channel;
  private final Poller.Pollable pollable;

  NioSocket(C channel) {
    if (channel.isBlocking()) {
      throw new IllegalArgumentException("channel must be in non-blocking mode, got " + channel);
    }
    this.channel = channel;
    this.pollable = Poller.Pollable.of(channel);
  }

  @Override
  public final Poller.Pollable pollable() {
    return pollable;
  }

  @Override
  public final SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  @Override
  public final <T> T getOption(SocketOption<T> option) throws IOException {
    return channel.getOption(option);
  }

  @Override
  public final <T> void setOption(SocketOption<T> option, T value) throws IOException {
    channel.setOption(option, value);
  }

  @Override
  public final boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() {
    NioNetwork.closeQuietly(channel);
  }

  /** Returns the local address for messages, or a word saying why there is none; never throws. */
  final String describeLocal() {
    try {
      return channel.isOpen() ? String.valueOf(channel.getLocalAddress()) : "closed";
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
