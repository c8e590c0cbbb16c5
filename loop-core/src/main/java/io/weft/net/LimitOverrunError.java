package io.weft.net;

import io.weft.Api;

/**
 * A separator was not found within the reader's limit: asyncio's {@code LimitOverrunError}. The data stays in the
 * reader's buffer; {@link #consumed()} says how much of it to consume to get past.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public class LimitOverrunError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int consumed;

  /**
   * Creates the error.
   *
   * @param message what happened
   * @param consumed how many bytes to consume to get past
   */
  public LimitOverrunError(String message, int consumed) {
    super(message);
    this.consumed = consumed;
  }

  /** Returns how many bytes to consume to get past the overrun. */
  public int consumed() {
    return consumed;
  }
}
