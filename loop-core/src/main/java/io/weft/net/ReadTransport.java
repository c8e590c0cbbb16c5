package io.weft.net;

import io.weft.Api;

/**
 * The reading side of a transport, asyncio's {@code ReadTransport}: reading can be paused and resumed (a
 * {@link StreamReader} pauses its transport when its buffer is over its limit). Loop thread only.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public interface ReadTransport extends BaseTransport {

  /** Stops delivering data until {@link #resumeReading()}; idempotent, a no-op once closing. */
  void pauseReading();

  /** Delivers data again after {@link #pauseReading()}; idempotent, a no-op once closing. */
  void resumeReading();

  /** Returns whether the transport reads: not paused and not closing. */
  boolean isReading();
}
