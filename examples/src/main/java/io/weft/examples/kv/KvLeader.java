package io.weft.examples.kv;

import io.weft.Future;
import io.weft.Weft;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed leader: a retried request is applied once. It keeps a session per client, Raft-style (Ongaro's thesis,
 * section 6.3): the client's last request number and its answer. A request with that number is a retry and gets
 * the same answer (awaiting it if the first copy is still being replicated); an older number is refused; a newer
 * one is applied. Memory stays one entry per client because a client has one request outstanding at a time.
 *
 * <p>{@link RacyKvLeader} is the version without sessions, and the bug they fix.
 */
public final class KvLeader extends LeaderServer {

  /** A client's last request and its answer (pending while it is replicated). */
  private record Session(long seq, Future<Long> answer) {}

  private final Map<String, Session> sessions = new HashMap<>();

  private KvLeader() {}

  /**
   * Connects to the followers, then listens for clients on {@code host}:{@code port}. Call from a task.
   *
   * @param followers each {@code "host:port"}; the leader answers only once every one has the new value
   * @throws IOException if a follower cannot be reached or the address cannot be listened on
   */
  public static KvLeader start(String host, int port, List<String> followers) throws IOException {
    KvLeader leader = new KvLeader();
    leader.listen(host, port, followers);
    return leader;
  }

  @Override
  long increment(String client, long seq, String key, long delta) throws IOException {
    Session last = sessions.get(client);
    if (last != null && seq == last.seq()) {
      return last.answer().await(); // a retry: the first copy's answer, not a second increment
    }
    if (last != null && seq < last.seq()) {
      throw new IllegalStateException("request " + client + "/" + seq + " is older than " + client + "/"
          + last.seq() + ", already seen");
    }
    Future<Long> answer = Weft.getRunningLoop().createFuture();
    sessions.put(client, new Session(seq, answer));
    try {
      long value = apply(key, delta);
      answer.setResult(value);
      return value;
    } catch (IOException | RuntimeException e) {
      answer.setException(e);
      throw e;
    }
  }
}
