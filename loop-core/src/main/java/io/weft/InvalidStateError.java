package io.weft;

/**
 * An operation was attempted on a {@link Future} in a state that does not allow it: reading the result of a pending
 * future, or completing a future twice.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class InvalidStateError extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; the message names the state and the future. */
  public InvalidStateError(String message) {
    super(message);
  }
}
