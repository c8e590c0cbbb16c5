package io.weft.sync;

import io.weft.Api;

/**
 * Thrown by {@link Barrier#await()} when the barrier is reset or aborted while the task waits, or is broken when it
 * arrives: asyncio's {@code BrokenBarrierError} (a {@code RuntimeError} there, so an {@link IllegalStateException}
 * here).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class BrokenBarrierError extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the error with a message saying why the barrier broke. */
  public BrokenBarrierError(String message) {
    super(message);
  }
}
