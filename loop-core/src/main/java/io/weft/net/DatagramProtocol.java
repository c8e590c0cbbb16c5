package io.weft.net;

import io.weft.Api;
import java.net.SocketAddress;

/**
 * What a {@link DatagramTransport} calls as an endpoint lives: asyncio's {@code asyncio.DatagramProtocol}.
 *
 * <p>Every method runs on the loop thread, as a callback, never inside a task: it must not await. The order is
 * always {@link #connectionMade} once, then any number of {@link #datagramReceived} and {@link #errorReceived},
 * then {@link #connectionLost} once. {@link #pauseWriting} and {@link #resumeWriting} alternate, starting with a
 * pause, between {@code connectionMade} and {@code connectionLost}.
 *
 * <p>A method that throws is reported to the loop's exception handler; a throw from {@code connectionMade},
 * {@code datagramReceived} or {@code errorReceived} also aborts the transport, one from {@code pauseWriting} or
 * {@code resumeWriting} does not. Every method has a default that does nothing.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface DatagramProtocol {

  /** Called once when the endpoint is ready, with its transport, before any datagram arrives. */
  default void connectionMade(DatagramTransport transport) {}

  /**
   * Called with each datagram that arrived, whole (or truncated to the network's largest datagram).
   *
   * @param data a fresh array that belongs to the protocol, never null, empty for an empty datagram
   * @param addr the sender's address, never null
   */
  default void datagramReceived(byte[] data, SocketAddress addr) {}

  /**
   * Called when a send or a receive failed; the endpoint stays open. On a connected endpoint a datagram that
   * found no listener comes back as a {@link java.net.PortUnreachableException}, at a later send or receive.
   *
   * @param error the failure, never null
   */
  default void errorReceived(Exception error) {}

  /**
   * Called once when the endpoint is closed; the socket is closed by then.
   *
   * @param cause null after a {@link DatagramTransport#close() close} or {@link DatagramTransport#abort() abort};
   *     otherwise what a callback threw
   */
  default void connectionLost(Throwable cause) {}

  /** Called once when the transport's send buffer grows above its high-water mark. */
  default void pauseWriting() {}

  /** Called once, after {@link #pauseWriting}, when the send buffer drains to its low-water mark or below. */
  default void resumeWriting() {}
}
