package io.weft.fault;

import io.weft.Api;
import java.util.Objects;

/**
 * Random crashes of a host in a plan, {@code host db: crash=1%/500ms}: each thing the host sends while it is up
 * crashes it just after, with probability P (Jepsen's nemesis killing a process at a random moment), and it restarts
 * D later, running its restart hooks ({@link io.weft.sim.net.SimHost#crash()}, {@code restart()}, {@code onRestart}).
 * A fault decision like the network's: recorded, replayed, shrunk toward no crash. Host {@code *} is every host
 * without a crash rule of its own.
 *
 * @param host the host's name, or {@code *}
 * @param crash the probability per send, and how long the host stays down
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record HostCrash(String host, TimedFault crash) {
  /** Checks the fields. */
  public HostCrash {
    Objects.requireNonNull(host, "host must not be null");
    Objects.requireNonNull(crash, "crash must not be null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("a crash rule names one host or *, got \"" + host + "\"");
    }
    if (!crash.on()) {
      throw new IllegalArgumentException("a crash rule crashes with a probability above 0, got " + crash);
    }
  }

  /** The rule for {@code host} among {@code crashes}: its own, else the {@code *} rule, else null. */
  static HostCrash of(java.util.List<HostCrash> crashes, String host) {
    return HostClocks.forHost(crashes, HostCrash::host, host);
  }

  /** {@code host db: crash=1%/500ms}, as {@link FaultPlan#parse} reads it. */
  @Override
  public String toString() {
    return "host " + host + ": crash=" + crash;
  }
}
