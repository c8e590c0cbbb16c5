package io.weft;

/** A task body with no result: ordinary Java that may throw and may {@linkplain Future#await() await}. */
@Api(status = Api.Status.STABLE, since = "0.1")
@FunctionalInterface
public interface AsyncRunnable {

  /** Runs the body; runs in a task, so it may await futures and other tasks. */
  void run() throws Exception;

  /** Adapts this body to an {@link AsyncCallable} that returns null. */
  default AsyncCallable<Void> asCallable() {
    return () -> {
      run();
      return null;
    };
  }
}
