package io.weft.internal;

import io.weft.net.Protocol;
import io.weft.net.StreamWriter;
import io.weft.net.WriteTransport;

/**
 * The network layer's package-private operations that other packages of this module need (the subprocess pipes),
 * published by {@code io.weft.net} when its {@link StreamWriter} loads, as {@link Kernel} is published.
 */
public interface NetAccess {

  /** Returns the network layer's operations, loading {@code io.weft.net.StreamWriter} first if needed. */
  static NetAccess get() {
    NetAccess a = Holder.instance;
    if (a == null) {
      try {
        Class.forName("io.weft.net.StreamWriter", true, NetAccess.class.getClassLoader());
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
