package io.weft.examples.kv;

import java.io.IOException;
import java.util.List;

/**
 * The leader with the bug: it applies every {@code INCR} it reads, so a retried request is applied twice.
 *
 * <p>How it happens. A client sends {@code INCR alice 3 visits 1}; the leader adds 1, replicates, and answers
 * {@code OK 42}. The answer is slow (a partition between the client and the leader holds it for longer than the
 * client's timeout, or the connection is reset before it arrives). The client cannot tell "not applied" from "applied
 * but the answer was lost", so it does what clients do: it closes the connection and sends the same request again on
 * a new one. This leader adds 1 again: one visit is counted twice, on the leader and on both followers. On a perfect
 * network no answer is ever late, no request is retried, and every test passes; only a fault shows the bug.
 *
 * <p>{@link KvLeader} is the fix: it remembers each client's last request and answers a retry with the first
 * answer instead of applying it again.
 */
public final class RacyKvLeader extends LeaderServer {

  private RacyKvLeader() {}

  /**
   * Connects to the followers, then listens for clients on {@code host}:{@code port}. Call from a task.
   *
   * @param followers each {@code "host:port"}; the leader answers only once every one has the new value
   * @throws IOException if a follower cannot be reached or the address cannot be listened on
   */
  public static RacyKvLeader start(String host, int port, List<String> followers) throws IOException {
    RacyKvLeader leader = new RacyKvLeader();
    leader.listen(host, port, followers);
    return leader;
  }

  @Override
  long increment(String client, long seq, String key, long delta) throws IOException {
    return apply(key, delta); // the bug: (client, seq) is ignored, so a retry is applied again
  }
}
