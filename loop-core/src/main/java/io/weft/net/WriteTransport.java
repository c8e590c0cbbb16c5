package io.weft.net;

import io.weft.Api;
import java.nio.ByteBuffer;

/**
 * The writing side of a transport, asyncio's {@code WriteTransport}: writes never wait, the buffer has water marks
 * that pause and resume the protocol's writing, and a {@link StreamWriter} drains over it. Loop thread only.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public interface WriteTransport extends BaseTransport {

  /** Writes {@code data}'s remaining bytes without waiting; what cannot go at once is buffered (copied). */
  void write(ByteBuffer data);

  /** Writes {@code data} without waiting; see {@link #write(ByteBuffer)}. */
  void write(byte[] data);

  /** Writes each array in order, as one write of their concatenation. */
  void writeLines(Iterable<byte[]> lines);

  /** Closes the writing side once the buffer is flushed; a no-op when closing or already called. */
  void writeEof();

  /** Returns whether {@link #writeEof()} is supported. */
  boolean canWriteEof();

  /** Returns how many bytes are buffered, not yet taken by the other side. */
  long getWriteBufferSize();

  /**
   * Sets the write buffer's water marks.
   *
   * @throws IllegalArgumentException naming both values unless {@code high >= low >= 0}
   */
  void setWriteBufferLimits(int high, int low);

  /** Returns the write buffer's water marks. */
  Transport.WriteLimits getWriteBufferLimits();

  /** Closes at once, dropping what is buffered; the protocol's {@code connectionLost} follows. Idempotent. */
  void abort();
}
