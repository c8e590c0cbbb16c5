package io.weft.sync;

import io.weft.Api;

/**
 * A {@link Semaphore} that refuses to be released above its initial value: asyncio's {@code BoundedSemaphore}. It
 * turns a release without a matching acquire into an error instead of a silently larger limit.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class BoundedSemaphore extends Semaphore {

  private final int bound;

  /** Creates a bounded semaphore with one permit. */
  public BoundedSemaphore() {
    this(1);
  }

  /**
   * Creates a bounded semaphore with {@code value} permits, which is also its bound.
   *
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public BoundedSemaphore(int value) {
    super(value);
    this.bound = value;
  }

  /**
   * Gives a permit back; see {@link Semaphore#release()}.
   *
   * @throws IllegalArgumentException if that would raise the free permits above the initial value
   */
  @Override
  public void release() {
    if (value() >= bound) {
      throw new IllegalArgumentException(
          "BoundedSemaphore released too many times: value " + value() + " is already at its bound " + bound);
    }
    super.release();
  }
}
