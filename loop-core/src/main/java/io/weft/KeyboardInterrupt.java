package io.weft;

/**
 * The program was interrupted (Ctrl-C, or {@link Runner#interrupt()}).
 *
 * <p>Like {@link SystemExit}, it escapes the loop: raised by a callback or a task, it propagates out of
 * {@link EventLoop#runForever()} instead of going to the exception handler.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class KeyboardInterrupt extends BaseError {
  private static final long serialVersionUID = 1L;

  /** Creates an interrupt. */
  public KeyboardInterrupt() {
    super(null);
  }

  /** Creates an interrupt with a message. */
  public KeyboardInterrupt(String message) {
    super(message);
  }
}
