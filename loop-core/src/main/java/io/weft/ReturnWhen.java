package io.weft;

/**
 * When {@link Combinators#wait(java.util.Collection, ReturnWhen, java.time.Duration) wait} returns: asyncio's
 * {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and {@code ALL_COMPLETED}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public enum ReturnWhen {
  /** Return when any future finishes or is cancelled. */
  FIRST_COMPLETED,
  /**
   * Return when any future finishes with an exception (a cancelled future does not count), or when all are done
   * if none does.
   */
  FIRST_EXCEPTION,
  /** Return when every future is done. */
  ALL_COMPLETED
}
