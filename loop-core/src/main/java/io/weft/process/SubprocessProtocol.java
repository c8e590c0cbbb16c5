package io.weft.process;

import io.weft.Api;

/**
 * What a {@link SubprocessTransport} calls as its child lives: asyncio's {@code SubprocessProtocol}.
 *
 * <p>Every method runs on the loop thread as a callback, never inside a task: it must not await. The order:
 * {@link #connectionMade} once, first; then, for each piped fd (0 stdin, 1 stdout, 2 stderr), any number of
 * {@link #pipeDataReceived} before that fd's one {@link #pipeConnectionLost}; {@link #processExited} once, at a
 * point among the pipe events that is not determined (the child's exit races its last output, as in asyncio); and
 * {@link #connectionLost} once, last, after the child exited and every pipe was lost. A method that throws is
 * reported to the loop's exception handler. Every method has a default that does nothing.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public interface SubprocessProtocol {

  /** Called once, first, with the transport, once the child runs and its pipes are connected. */
  default void connectionMade(SubprocessTransport transport) {}

  /**
   * Called with bytes the child wrote to fd 1 (stdout) or 2 (stderr), in order per fd.
   *
   * @param data a fresh array, never null or empty, that belongs to the protocol
   */
  default void pipeDataReceived(int fd, byte[] data) {}

  /**
   * Called once per piped fd when its pipe closed: after its last {@link #pipeDataReceived}.
   *
   * @param cause null at EOF or after a close on this side; otherwise the error that ended the pipe (a broken
   *     stdin pipe: the child closed its end or exited)
   */
  default void pipeConnectionLost(int fd, Throwable cause) {}

  /** Called once when the child exited; its {@linkplain SubprocessTransport#getReturncode() returncode} is set. */
  default void processExited() {}

  /** Called once, last, after the child exited and every pipe was lost. */
  default void connectionLost(Throwable cause) {}

  /** Called when the stdin pipe's write buffer grows above its high-water mark. */
  default void pauseWriting() {}

  /** Called, after {@link #pauseWriting}, when the stdin pipe's buffer drains to its low-water mark. */
  default void resumeWriting() {}
}
