package io.weft.examples.kv;

import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workload the tests run: a few clients each count a few visits ({@code INCR visits 1}), then the counts are
 * checked on the leader and on both followers.
 */
public final class Visits {

  /** The key counted. */
  public static final String KEY = "visits";

  private Visits() {}

  /**
   * Has {@code clients} clients each count {@code each} visits (10 ms apart), then checks that the leader and both
   * followers count exactly {@code clients * each}. Call from a task.
   *
   * @throws AssertionError naming the counts if a visit was counted twice (or lost)
   * @throws java.io.IOException if a client gave up
   */
  public static void countOnce(KvCluster cluster, int clients, int each) throws Exception {
    List<Task<Void>> tasks = new ArrayList<>();
    for (int c = 1; c <= clients; c++) {
      String name = "client" + c;
      tasks.add(cluster.onClientHost(() -> {
        try (KvClient client = cluster.client(name)) {
          for (int i = 0; i < each; i++) {
            client.increment(KEY, 1);
            Weft.sleep(Duration.ofMillis(10));
          }
        }
        return null;
      }));
    }
    for (Task<Void> t : tasks) {
      t.await();
    }
    long made = (long) clients * each;
    long counted = cluster.leaderValue(KEY);
    List<Long> followers = cluster.followerValues(KEY);
    if (counted != made || followers.stream().anyMatch(v -> v != made)) {
      throw new AssertionError((counted > made ? "a visit was counted twice" : "a visit was lost")
          + ": the clients made " + made + " visits but the leader counts " + counted + " (followers: "
          + followers + ")");
    }
  }
}
