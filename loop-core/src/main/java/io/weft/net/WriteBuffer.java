package io.weft.net;

import io.weft.spi.Network.StreamSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A transport's write buffer and its flow control: the bytes the socket has not taken yet, the water marks, and
 * whether the protocol was told to pause (asyncio's {@code _FlowControlMixin}).
 */
final class WriteBuffer {

  /** At most this many buffers go to one gathering write (below every system's IOV_MAX). */
  private static final int MAX_GATHER = 64;

  // Made at the first buffered write: most connections never buffer, and an idle one holds no queue.
  private ArrayDeque<ByteBuffer> buffers;
  // Invariant: size is the sum of the remaining bytes of the buffers.
  private long size;
  // Invariant: high >= low >= 0.
  private int high = Transport.DEFAULT_HIGH_WATER;
  private int low = Transport.DEFAULT_HIGH_WATER / 4;
  // Invariant: paused is true between a pauseWriting and the matching resumeWriting.
  private boolean paused;

  boolean isEmpty() {
    return buffers == null || buffers.isEmpty();
  }

  long size() {
    return size;
  }

  int high() {
    return high;
  }

  int low() {
    return low;
  }

  /** Appends a copy of {@code data}'s remaining bytes (the caller may reuse its buffer), consuming them. */
  void add(ByteBuffer data) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    if (buffers == null) {
      buffers = new ArrayDeque<>(4);
    }
    buffers.add(copy);
    size += copy.remaining();
  }

  /** Drops everything buffered. */
  void clear() {
    if (buffers != null) {
      buffers.clear();
    }
    size = 0;
  }

  /** Hands the socket what it takes from the front of the buffer; returns how many bytes it took. */
  long writeTo(StreamSocket socket) throws IOException {
    if (isEmpty()) {
      return 0;
    }
    ByteBuffer[] batch = new ByteBuffer[Math.min(buffers.size(), MAX_GATHER)];
    Iterator<ByteBuffer> it = buffers.iterator();
    for (int i = 0; i < batch.length; i++) {
      batch[i] = it.next();
    }
    long n = batch.length == 1 ? socket.write(batch[0]) : socket.write(batch);
    size -= n;
    while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
      buffers.removeFirst();
    }
    return n;
  }

  /**
   * Sets the water marks.
   *
   * @throws IllegalArgumentException naming both values unless {@code high >= low >= 0}
   */
  void setLimits(int high, int low) {
    if (!(high >= low && low >= 0)) {
      throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
    }
    this.high = high;
    this.low = low;
  }

  /** Returns true, once, when the size first exceeds the high-water mark: time to pause the protocol. */
  boolean shouldPause() {
    if (size <= high || paused) {
      return false;
    }
    paused = true;
    return true;
  }

  /** Returns true, once after a pause, when the size is down to the low-water mark: time to resume. */
  boolean shouldResume() {
    if (!paused || size > low) {
      return false;
    }
    paused = false;
    return true;
  }
}
