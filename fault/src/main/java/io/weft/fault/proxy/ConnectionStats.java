package io.weft.fault.proxy;

import io.weft.Api;
import java.util.List;

/**
 * What one connection through a {@link FaultProxy} has done so far: bytes per direction, the toxics that applied to
 * it, and why it ended.
 *
 * @param id the connection's number, from 1 in the order accepted
 * @param client the client's address, e.g. {@code "127.0.0.1:54321"}; never null
 * @param upstreamIn bytes read from the client
 * @param upstreamOut bytes written to the upstream
 * @param upstreamDropped bytes from the client that toxics dropped (timeout, reset_peer, limit_data, or queued when
 *     the connection ended)
 * @param downstreamIn bytes read from the upstream
 * @param downstreamOut bytes written to the client
 * @param downstreamDropped bytes from the upstream that toxics dropped
 * @param appliedToxics the toxics that applied, each {@code "direction toxic"}, in the order drawn; never null
 * @param endedBy why the connection ended, or null while it is open
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record ConnectionStats(long id, String client, long upstreamIn, long upstreamOut, long upstreamDropped,
    long downstreamIn, long downstreamOut, long downstreamDropped, List<String> appliedToxics, String endedBy) {

  /** Copies the list. */
  public ConnectionStats {
    appliedToxics = List.copyOf(appliedToxics);
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return endedBy == null;
  }
}
