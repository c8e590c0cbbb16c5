package io.weft.internal;

import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;

/**
 * A stream socket made in memory by a layer over another transport (TLS), which says itself when it is ready
 * instead of being registered with the loop's poller. A {@code Transport} over it works as over a network socket.
 */
public interface LayeredSocket extends StreamSocket {

  /**
   * Sets the operations the transport wants to hear about, and where to tell it: the socket calls
   * {@code handler.ready} from a ready callback while an operation of {@code ops} is ready (level-triggered, as a
   * poller). {@code ops} 0 with a null handler stops it for good.
   */
  void watch(int ops, Poller.IoHandler handler);

  /**
   * Closes the layer ({@code reset}: at once) and runs {@code whenClosed} once the connection under it is gone, as
   * asyncio's SSL transport reports {@code connection_lost} only after the TLS shutdown: the transport calls its
   * protocol's {@code connectionLost} from there.
   */
  void close(boolean reset, Runnable whenClosed);

  /** What the layer adds to {@code Transport.getExtraInfo}, or null for a name it does not know. */
  Object extraInfo(String name);

  /** Whether the layer can half-close ({@code writeEof}); TLS cannot, as in asyncio. */
  boolean canHalfClose();
}
