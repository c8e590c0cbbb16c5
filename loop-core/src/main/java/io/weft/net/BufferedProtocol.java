package io.weft.net;

import io.weft.Api;
import java.nio.ByteBuffer;

/**
 * A {@link Protocol} that lends the transport its own buffer to read into, asyncio's {@code BufferedProtocol}: no
 * array is made per read.
 *
 * <p>For each read the transport calls {@link #getBuffer}, reads into the buffer's remaining space, then calls
 * {@link #bufferUpdated} with the count; {@link #dataReceived} is never called. A buffer with no room, a null one,
 * or a throw from either method is reported to the loop's exception handler and aborts the transport.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface BufferedProtocol extends Protocol {

  /**
   * Returns the buffer to read into; the transport fills it from its position and moves the position past what
   * it read.
   *
   * @param sizeHint how many bytes the transport would like room for, or -1 for no preference
   * @return a buffer with at least one byte remaining; never null
   */
  ByteBuffer getBuffer(int sizeHint);

  /** Called after a read put {@code nbytes} (at least 1) into the buffer {@link #getBuffer} returned. */
  void bufferUpdated(int nbytes);
}
