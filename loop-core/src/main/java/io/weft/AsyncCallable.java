package io.weft;

/**
 * The body of a task: ordinary Java that may throw and may {@linkplain Future#await() await}.
 *
 * @param <T> the task's result type
 */
@Api(status = Api.Status.STABLE, since = "0.1")
@FunctionalInterface
public interface AsyncCallable<T> {

  /** Runs the body; runs in a task, so it may await futures and other tasks. */
  T call() throws Exception;
}
