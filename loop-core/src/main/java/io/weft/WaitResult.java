package io.weft;

import java.util.Objects;
import java.util.Set;

/**
 * What {@link Combinators#wait(java.util.Collection, ReturnWhen, java.time.Duration) wait} returns: asyncio's
 * {@code (done, pending)} pair.
 *
 * <p>Both sets keep the order in which the futures were given (duplicates once, at their first place), so a program's
 * decisions never depend on hash order. They are new, mutable sets owned by the caller, as asyncio's are: a common
 * pattern passes {@code pending} back to the next {@code wait}.
 *
 * @param done the futures that were done when the wait returned; never null
 * @param pending the futures that were not; never null. Never cancelled by the wait.
 * @param <F> the type of the futures waited for
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public record WaitResult<F extends Future<?>>(Set<F> done, Set<F> pending) {

  /** Creates the pair; the sets are kept as given, not copied. */
  public WaitResult {
    Objects.requireNonNull(done, "done must not be null");
    Objects.requireNonNull(pending, "pending must not be null");
  }
}
