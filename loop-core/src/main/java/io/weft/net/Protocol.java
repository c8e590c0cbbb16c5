package io.weft.net;

import io.weft.Api;

/**
 * What a stream {@link Transport} calls as a connection lives: asyncio's {@code asyncio.Protocol}.
 *
 * <p>Every method runs on the loop thread, as a callback, never inside a task: it must not await. The order is
 * always {@link #connectionMade} once, then any number of {@link #dataReceived}, at most one {@link #eofReceived},
 * then {@link #connectionLost} once. {@link #pauseWriting} and {@link #resumeWriting} alternate, starting with a
 * pause, between {@code connectionMade} and {@code connectionLost}.
 *
 * <p>A method that throws is reported to the loop's exception handler; a throw from {@code connectionMade},
 * {@code dataReceived} or {@code eofReceived} also aborts the transport (asyncio's {@code _fatal_error}), one from
 * {@code pauseWriting} or {@code resumeWriting} does not.
 *
 * <p>Every method has a default that does nothing (and {@link #eofReceived} returns false, closing the transport),
 * as asyncio's base class does.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface Protocol {

  /** Called once when the connection is made, with its transport, before any data arrives. */
  default void connectionMade(Transport transport) {}

  /**
   * Called with the bytes that arrived, in order.
   *
   * <p>{@code data} is a fresh array, never null and never empty, that belongs to the protocol: it may keep it.
   */
  default void dataReceived(byte[] data) {}

  /**
   * Called once when the peer shut down its output (TCP's FIN), after every byte before it was delivered.
   *
   * @return true to keep the connection half-open (this side may still write, and must close the transport
   *     itself); false to let the transport close
   */
  default boolean eofReceived() {
    return false;
  }

  /**
   * Called once when the connection is closed or lost; the transport is closed by then.
   *
   * @param cause null after a {@link Transport#close() close} or {@link Transport#abort() abort} on this side or an
   *     ordinary EOF; otherwise the error that ended the connection (a connection reset, or what a callback threw)
   */
  default void connectionLost(Throwable cause) {}

  /** Called once when the transport's write buffer grows above its high-water mark. */
  default void pauseWriting() {}

  /** Called once, after {@link #pauseWriting}, when the write buffer drains to its low-water mark or below. */
  default void resumeWriting() {}
}
