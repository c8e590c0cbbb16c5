package io.weft.sync;

import io.weft.Api;

/**
 * {@link Queue#getNowait()} found the queue empty: asyncio's {@code QueueEmpty}.
 *
 * <p>Unchecked, like asyncio's ordinary exception; callers catch it when they poll.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class QueueEmpty extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with a message, which may be null. */
  public QueueEmpty(String message) {
    super(message);
  }
}
