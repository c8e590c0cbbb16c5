package io.weft;

/**
 * Raised at a task's {@code await} when the task or the future it awaits is cancelled.
 *
 * <p>A {@link BaseError}, not an {@link Exception}: a task that catches it and carries on has swallowed the request
 * (asyncio allows that; {@link Task#uncancel()} is the way to say so deliberately). The message is the one passed to
 * {@link Future#cancel(String)}, or null.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class CancelledError extends BaseError {
  private static final long serialVersionUID = 1L;

  /** Creates a cancellation with no message. */
  public CancelledError() {
    super(null);
  }

  /** Creates a cancellation with a message, which may be null. */
  public CancelledError(String message) {
    super(message);
  }
}
