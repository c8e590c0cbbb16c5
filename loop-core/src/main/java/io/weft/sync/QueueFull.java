package io.weft.sync;

import io.weft.Api;

/**
 * {@link Queue#putNowait(Object)} found the queue full: asyncio's {@code QueueFull}.
 *
 * <p>Unchecked, like asyncio's ordinary exception; callers catch it when they offer.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class QueueFull extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with a message, which may be null. */
  public QueueFull(String message) {
    super(message);
  }
}
