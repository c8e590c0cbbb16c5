package io.weft;

/**
 * Raised inside an {@link AsyncGenerator}'s body, at its {@code yield}, when the generator is closed with
 * {@link AsyncGenerator#aclose()}: the body's {@code finally} blocks run (and may await), and the body should let the
 * error leave it. A {@link BaseError}, so {@code catch (Exception e)} does not swallow it.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class GeneratorExit extends BaseError {
  private static final long serialVersionUID = 1L;

  /** Creates the error. */
  public GeneratorExit() {
    super(null);
  }
}
