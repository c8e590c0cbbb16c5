package io.weft;

/**
 * The root of Weft's "base exceptions": Python's {@code BaseException} kinds that are not {@code Exception}s.
 *
 * <p>They extend {@link Error} so that {@code catch (Exception e)} in user code cannot swallow cancellation or an
 * interrupt, exactly as {@code except Exception} cannot in Python. Instances keep their identity when they travel:
 * the object a task's body throws is the object its awaiters catch.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public abstract class BaseError extends Error {
  private static final long serialVersionUID = 1L;

  /** Creates an error with a message, which may be null. */
  protected BaseError(String message) {
    super(message);
  }

  /** Creates an error with a message and a cause, either of which may be null. */
  protected BaseError(String message, Throwable cause) {
    super(message, cause);
  }
}
