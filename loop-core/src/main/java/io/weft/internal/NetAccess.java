package io.weft.internal;

import io.weft.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.net.Transport;
import io.weft.net.WriteTransport;
import io.weft.spi.Network.StreamSocket;
import java.util.function.Supplier;

/**
 * The package-private operations of {@code io.weft.net} that other packages of this module need (the TLS layer,
 * the subprocess pipes), published by
 * {@code io.weft.net} when its {@link Transport} loads, as {@link Kernel} is by {@code io.weft}.
 */
public interface NetAccess {

  /** Returns the operations, loading {@code io.weft.net} first if needed. */
  static NetAccess get() {
    NetAccess a = Holder.instance;
    if (a == null) {
      try {
        Class.forName("io.weft.net.Transport", true, NetAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      a = Holder.instance;
    }
    return a;
  }

  /** Called once by {@code io.weft.net}. */
  static void publish(NetAccess access) {
    Holder.instance = access;
  }

  /**
   * Makes a transport over {@code socket}, a {@link LayeredSocket} (not watched by the poller), driving
   * {@code protocol}, and schedules its {@code connectionMade} and first read, as a connect does.
   */
  Transport startTransport(EventLoop loop, LayeredSocket socket, Protocol protocol);

  /** Aborts {@code transport} with {@code error} passed to its protocol's {@code connectionLost}. */
  void forceClose(Transport transport, Throwable error);

  /** A stream pair's protocol for a client connection: feeds {@code reader}. */
  Protocol newStreamProtocol(EventLoop loop, StreamReader reader);

  /** The writer of a stream protocol made by {@link #newStreamProtocol}, once its connection is made. */
  StreamWriter writerOf(Protocol streamProtocol);

  /** The protocol under {@code writer} (to hand it to a new transport, as {@code StreamWriter.start_tls} does). */
  Protocol protocolOf(StreamWriter writer);

  /** Stream server protocols running {@code handler} per connection, as {@code Streams.startServer} makes them. */
  Supplier<Protocol> streamServerProtocols(EventLoop loop, Streams.ClientHandler handler, int limit);

  /**
   * Makes a writer with no reader over {@code transport}, as asyncio's subprocess stdin: the returned
   * {@code flow} protocol must hear the transport's {@code pauseWriting}, {@code resumeWriting} and
   * {@code connectionLost}, so that {@link StreamWriter#drain()} waits and wakes as on a connection. Loop thread.
   */
  WriterAndFlow newWriter(WriteTransport transport);

  /**
   * A writer and the protocol its transport's flow control must reach.
   *
   * @param writer the writer; never null
   * @param flow what hears pause, resume and loss; never null
   */
  record WriterAndFlow(StreamWriter writer, Protocol flow) {}

  /** Holds the published instance. */
  final class Holder {
    static volatile NetAccess instance;

    private Holder() {}
  }
}
