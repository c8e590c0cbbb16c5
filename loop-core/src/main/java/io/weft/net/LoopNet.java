package io.weft.net;

import io.weft.EventLoop;
import io.weft.internal.Kernel;
import java.nio.ByteBuffer;

/**
 * What the network layer keeps per loop, attached to the loop through {@link Kernel#attachment} so that the loop
 * class does not grow: the read buffer every stream transport of the loop reads into.
 *
 * <p>One loop thread reads one socket at a time and hands the bytes on as a copy ({@code dataReceived} gets an
 * array of its own), so one buffer serves all the loop's connections, as uvloop's per-loop read buffer does: an
 * idle connection costs no read buffer at all.
 */
final class LoopNet {

  /** The most one read takes from a socket: 256 KiB, uvloop's figure. */
  static final int READ_SIZE = 256 * 1024;

  private ByteBuffer readBuffer;

  private LoopNet() {}

  /** Returns {@code loop}'s network state, made on first use. Loop thread only. */
  static LoopNet of(EventLoop loop) {
    return Kernel.get().attachment(loop, LoopNet.class, LoopNet::new);
  }

  /** Returns the loop's shared read buffer, cleared. Its contents are valid until the next call. */
  ByteBuffer readBuffer() {
    if (readBuffer == null) {
      readBuffer = ByteBuffer.allocateDirect(READ_SIZE);
    }
    return readBuffer.clear();
  }
}
