package io.weft;

/**
 * An operation ran out of time. Its cause, when the timeout was enforced by cancellation, is that
 * {@link CancelledError}.
 *
 * <p>Unchecked, and not {@link java.util.concurrent.TimeoutException}: asyncio's {@code TimeoutError} is an ordinary
 * exception that callers catch when they expect it.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class TimeoutError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with a message, which may be null. */
  public TimeoutError(String message) {
    super(message);
  }

  /** Creates the error with a message and the cancellation that enforced the timeout. */
  public TimeoutError(String message, Throwable cause) {
    super(message, cause);
  }
}
