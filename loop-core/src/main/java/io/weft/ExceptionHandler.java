package io.weft;

/**
 * Receives the errors nobody else can: a failing callback, a task exception never retrieved, a task destroyed while
 * pending. Set one with {@link EventLoop#setExceptionHandler}.
 *
 * <p>A handler that throws does not stop the loop: the loop reports that through the default handler.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
@FunctionalInterface
public interface ExceptionHandler {

  /** Handles one report; runs on the loop thread. */
  void handle(EventLoop loop, ExceptionContext context);
}
