package io.weft.examples.kv;

import io.weft.AsyncCallable;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.io.IOException;
import java.util.List;

/**
 * A leader and two followers, started either on hosts of the simulated network ({@code f1}, {@code f2},
 * {@code leader}, and {@code client} for the clients) or all on loopback with the production network.
 */
public final class KvCluster implements AutoCloseable {

  /** Which leader runs: the one with the bug, or the fixed one. */
  public enum Version {
    /** {@link RacyKvLeader}: a retried request is applied again. */
    RACY,
    /** {@link KvLeader}: a retried request is answered once, from the client's session. */
    FIXED
  }

  /** The port every simulated host's server listens on. */
  public static final int PORT = 7000;

  private final List<KvFollower> followers;
  private final LeaderServer leader;
  private final String leaderHost;
  private final List<SimHost> clientHosts; // empty on loopback: clients run wherever their task does

  private KvCluster(List<KvFollower> followers, LeaderServer leader, String leaderHost, List<SimHost> clientHosts) {
    this.followers = followers;
    this.leader = leader;
    this.leaderHost = leaderHost;
    this.clientHosts = clientHosts;
  }

  /**
   * Starts the cluster on four new hosts of the current simulation's network: {@code f1}, {@code f2},
   * {@code leader} and {@code client}. Call from the main task.
   */
  public static KvCluster simulated(Version version) {
    return simulated(version, List.of("client"));
  }

  /**
   * Starts the cluster on new hosts of the current simulation's network: {@code f1}, {@code f2}, {@code leader},
   * and one per name in {@code clientHosts} for the clients. Call from the main task.
   *
   * @throws IllegalArgumentException if {@code clientHosts} is empty
   */
  public static KvCluster simulated(Version version, List<String> clientHosts) {
    if (clientHosts.isEmpty()) {
      throw new IllegalArgumentException("clientHosts must name at least one host, got none");
    }
    SimNetwork net = Simulation.current().network();
    SimHost f1 = net.addHost("f1");
    SimHost f2 = net.addHost("f2");
    SimHost leaderHost = net.addHost("leader");
    List<SimHost> clients = clientHosts.stream().map(net::addHost).toList();
    KvFollower one = on(f1, () -> KvFollower.start("f1", PORT));
    KvFollower two = on(f2, () -> KvFollower.start("f2", PORT));
    List<String> addresses = List.of("f1:" + PORT, "f2:" + PORT);
    LeaderServer leader = on(leaderHost, () -> startLeader(version, "leader", PORT, addresses));
    return new KvCluster(List.of(one, two), leader, "leader", clients);
  }

  /** Starts the cluster on 127.0.0.1 (free ports) with the running loop's network. Call from a task. */
  public static KvCluster local(Version version) throws IOException {
    KvFollower one = KvFollower.start("127.0.0.1", 0);
    KvFollower two = KvFollower.start("127.0.0.1", 0);
    LeaderServer leader = startLeader(version, "127.0.0.1", 0,
        List.of("127.0.0.1:" + one.port(), "127.0.0.1:" + two.port()));
    return new KvCluster(List.of(one, two), leader, "127.0.0.1", List.of());
  }

  private static LeaderServer startLeader(Version version, String host, int port, List<String> followers)
      throws IOException {
    return switch (version) {
      case RACY -> RacyKvLeader.start(host, port, followers);
      case FIXED -> KvLeader.start(host, port, followers);
    };
  }

  private static <T> T on(SimHost host, AsyncCallable<T> body) {
    return Weft.createTask(() -> {
      host.makeCurrent();
      return body.call();
    }).await();
  }

  /** Starts {@code body} in a new task on the first clients' host (on loopback: a plain new task). */
  public <T> Task<T> onClientHost(AsyncCallable<T> body) {
    return onClientHost(0, body);
  }

  /**
   * Starts {@code body} in a new task on clients' host number {@code index} modulo their number (on loopback: a
   * plain new task).
   */
  public <T> Task<T> onClientHost(int index, AsyncCallable<T> body) {
    return Weft.createTask(() -> {
      if (!clientHosts.isEmpty()) {
        clientHosts.get(Math.floorMod(index, clientHosts.size())).makeCurrent();
      }
      return body.call();
    });
  }

  /** Returns a new client of the leader named {@code name}; use it in a task from {@link #onClientHost}. */
  public KvClient client(String name) {
    return new KvClient(leaderHost, leader.port(), name);
  }

  /** Returns the leader's value of {@code key}. */
  public long leaderValue(String key) {
    return leader.value(key);
  }

  /** Returns each follower's value of {@code key}, in order. */
  public List<Long> followerValues(String key) {
    return followers.stream().map(f -> f.value(key)).toList();
  }

  /** Closes the leader (after its clients have gone), then the followers. Call from a task. */
  @Override
  public void close() {
    leader.close();
    for (KvFollower f : followers) {
      f.close();
    }
  }
}
