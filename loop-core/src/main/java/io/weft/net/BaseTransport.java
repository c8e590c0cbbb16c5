package io.weft.net;

import io.weft.Api;

/**
 * What every transport can do, asyncio's {@code BaseTransport}: close, say whether it is closing, and answer
 * {@code get_extra_info}. {@link Transport} (a stream connection) is one; so are the pipes of a subprocess
 * ({@code io.weft.process}). Loop thread only.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public interface BaseTransport {

  /** Closes the transport; its protocol's {@code connectionLost} follows from a later callback. Idempotent. */
  void close();

  /** Returns whether the transport is closing or closed. */
  boolean isClosing();

  /** Returns extra information about the transport by name, or null when it has none of that name. */
  Object getExtraInfo(String name);
}
