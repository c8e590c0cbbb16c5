package io.weft.sync;

import io.weft.Api;

/**
 * An operation on a queue that was {@linkplain Queue#shutdown(boolean) shut down}: asyncio's {@code QueueShutDown}
 * (Python 3.13).
 *
 * <p>Puts raise it as soon as the queue is shut down; gets raise it once the queue is also empty (at once after an
 * immediate shutdown, which empties it). Blocked putters and getters are woken and raise it too.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class QueueShutDown extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with a message, which may be null. */
  public QueueShutDown(String message) {
    super(message);
  }
}
