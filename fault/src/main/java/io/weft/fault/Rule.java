package io.weft.fault;

import io.weft.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The faults on one link of a {@link FaultPlan}; the plan's documentation says what each does. A rule is built by
 * {@link FaultPlan.Builder} or read by {@link FaultPlan#parse}.
 *
 * @param link the links covered
 * @param latency extra latency per delivery, or null for none
 * @param loss the probability a datagram is dropped, 0-1
 * @param duplicate the probability a datagram arrives twice, 0-1
 * @param corrupt the probability a datagram arrives with one byte changed, 0-1
 * @param burst the probability a datagram starts a burst of losses (Gilbert-Elliott's bad state), 0-1
 * @param burstLength the mean number of datagrams a burst loses, at least 1 when {@code burst} is more than 0
 * @param reorder a datagram held back this long, so later ones overtake it
 * @param partition a send starting a partition of its link for this long
 * @param clog a send starting a clog of its link for this long
 * @param slice the probability a stream's data segment arrives in pieces, 0-1
 * @param reset the probability a stream's data segment is replaced by a reset both ways, 0-1
 * @param refuse the probability a connect to a listening port is refused, 0-1
 * @param connectTimeout the probability a connect's SYN is lost, so the connect times out, 0-1
 * @param acceptDelay a connection that reaches a listener's accept queue only this long after its handshake
 * @param slowClose a stream's FIN (end of stream) delivered this much later
 * @param bandwidth the link's bandwidth in bytes per second, 0 for unlimited
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record Rule(Link link, Latency latency, double loss, double duplicate, double corrupt, double burst,
    double burstLength, TimedFault reorder, TimedFault partition, TimedFault clog, double slice, double reset,
    double refuse, double connectTimeout, TimedFault acceptDelay, TimedFault slowClose, long bandwidth) {

  /** Checks the fields. */
  public Rule {
    Objects.requireNonNull(link, "link must not be null");
    FaultPlan.checkProbability("loss", loss);
    FaultPlan.checkProbability("dup", duplicate);
    FaultPlan.checkProbability("corrupt", corrupt);
    FaultPlan.checkProbability("burst", burst);
    FaultPlan.checkProbability("slice", slice);
    FaultPlan.checkProbability("reset", reset);
    FaultPlan.checkProbability("refuse", refuse);
    FaultPlan.checkProbability("connect_timeout", connectTimeout);
    Objects.requireNonNull(reorder, "reorder must not be null (TimedFault.NONE for none)");
    Objects.requireNonNull(partition, "partition must not be null (TimedFault.NONE for none)");
    Objects.requireNonNull(clog, "clog must not be null (TimedFault.NONE for none)");
    Objects.requireNonNull(acceptDelay, "acceptDelay must not be null (TimedFault.NONE for none)");
    Objects.requireNonNull(slowClose, "slowClose must not be null (TimedFault.NONE for none)");
    if (burst > 0 && !(burstLength >= 1)) {
      throw new IllegalArgumentException("a burst loses at least 1 datagram on average, got " + burstLength);
    }
    if (bandwidth < 0) {
      throw new IllegalArgumentException("bandwidth must be at least 0 bytes/s (0: unlimited), got " + bandwidth);
    }
  }

  /** The printable form, {@code link: fault, fault}, as {@link FaultPlan#parse} reads it. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (latency != null) {
      parts.add("latency=" + latency);
    }
    add(parts, "loss", loss);
    add(parts, "dup", duplicate);
    add(parts, "corrupt", corrupt);
    add(parts, "partition", partition);
    add(parts, "slice", slice);
    add(parts, "reset", reset);
    add(parts, "refuse", refuse);
    add(parts, "clog", clog);
    if (bandwidth > 0) {
      parts.add("bandwidth=" + Rates.format(bandwidth));
    }
    add(parts, "connect_timeout", connectTimeout);
    if (burst > 0) {
      parts.add("burst=" + PlanDecisions.percent(burst) + "/" + (burstLength == Math.rint(burstLength)
          ? String.valueOf((long) burstLength) : String.valueOf(burstLength)));
    }
    add(parts, "reorder", reorder);
    add(parts, "accept_delay", acceptDelay);
    add(parts, "slow_close", slowClose);
    return link + ": " + String.join(", ", parts);
  }

  private static void add(List<String> parts, String name, double p) {
    if (p > 0) {
      parts.add(name + "=" + PlanDecisions.percent(p));
    }
  }

  private static void add(List<String> parts, String name, TimedFault f) {
    if (f.on()) {
      parts.add(name + "=" + f);
    }
  }

  /** Builds a rule; {@link FaultPlan.Builder} and the parser fill it. */
  static final class Builder {
    private final Link link;
    private Latency latency;
    private double loss;
    private double duplicate;
    private double corrupt;
    private double burst;
    private double burstLength;
    private TimedFault reorder = TimedFault.NONE;
    private TimedFault partition = TimedFault.NONE;
    private TimedFault clog = TimedFault.NONE;
    private double slice;
    private double reset;
    private double refuse;
    private double connectTimeout;
    private TimedFault acceptDelay = TimedFault.NONE;
    private TimedFault slowClose = TimedFault.NONE;
    private long bandwidth;

    Builder(Link link) {
      this.link = link;
    }

    Builder latency(Latency l) {
      latency = Objects.requireNonNull(l, "latency must not be null");
      return this;
    }

    Builder loss(double p) {
      loss = FaultPlan.checkProbability("loss", p);
      return this;
    }

    Builder duplicate(double p) {
      duplicate = FaultPlan.checkProbability("dup", p);
      return this;
    }

    Builder corrupt(double p) {
      corrupt = FaultPlan.checkProbability("corrupt", p);
      return this;
    }

    Builder burst(double p, double meanLength) {
      burst = FaultPlan.checkProbability("burst", p);
      burstLength = meanLength;
      return this;
    }

    Builder reorder(double p, long nanos) {
      reorder = timed("reorder", p, nanos);
      return this;
    }

    Builder partition(double p, long nanos) {
      partition = timed("partition", p, nanos);
      return this;
    }

    Builder clog(double p, long nanos) {
      clog = timed("clog", p, nanos);
      return this;
    }

    Builder slice(double p) {
      slice = FaultPlan.checkProbability("slice", p);
      return this;
    }

    Builder reset(double p) {
      reset = FaultPlan.checkProbability("reset", p);
      return this;
    }

    Builder refuse(double p) {
      refuse = FaultPlan.checkProbability("refuse", p);
      return this;
    }

    Builder connectTimeout(double p) {
      connectTimeout = FaultPlan.checkProbability("connect_timeout", p);
      return this;
    }

    Builder acceptDelay(double p, long nanos) {
      acceptDelay = timed("accept_delay", p, nanos);
      return this;
    }

    Builder slowClose(double p, long nanos) {
      slowClose = timed("slow_close", p, nanos);
      return this;
    }

    Builder bandwidth(long bytesPerSecond) {
      bandwidth = bytesPerSecond;
      return this;
    }

    private static TimedFault timed(String what, double p, long nanos) {
      FaultPlan.checkProbability(what, p);
      if (p > 0 && nanos <= 0) {
        throw new IllegalArgumentException(what + " lasts more than 0, got " + Durations.format(nanos));
      }
      return p == 0 ? TimedFault.NONE : new TimedFault(p, nanos);
    }

    Rule build() {
      return new Rule(link, latency, loss, duplicate, corrupt, burst, burstLength, reorder, partition, clog, slice,
          reset, refuse, connectTimeout, acceptDelay, slowClose, bandwidth);
    }
  }
}
