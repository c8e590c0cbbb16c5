package io.weft.fault;

import io.weft.Api;
import io.weft.sim.net.NetFaults;
import io.weft.sim.net.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault plan for the simulated network: plain data, with a builder and a printable form, that the network asks at
 * everything it sends ({@link NetFaults}). Every fault it allows is a decision of the run's scheduling strategy, so
 * a failing run's faults are recorded in its schedule, replay exactly, and shrink toward none: a shrunk report lists
 * the fewest faults that still break the test, each as a sentence with its time and link.
 *
 * <h2>Rules</h2>
 *
 * <p>A plan is a list of rules; each names the links it covers and the faults on them. For each thing sent, the
 * <b>first</b> rule whose link matches decides (so put specific links before {@code *->*}); a link no rule matches
 * has no fault. A link is {@code from->to} (one direction) or {@code a<->b} (both), with host names or {@code *}.
 * The faults of a rule:
 *
 * <ul>
 *   <li>{@code latency=}: extra time per delivery, a {@link Latency} distribution (added to the link's own latency,
 *       {@link SimNetwork#setLatency}); applies to stream segments, handshakes, FIN and RST and to datagrams. A
 *       stream never overtakes itself: a slow segment holds back the ones behind it.
 *   <li>{@code loss=}: the probability that a datagram is dropped ({@code 5%} or {@code 0.05}).
 *   <li>{@code burst=P/L}: burst losses (Gilbert-Elliott): a datagram on a link in its good state starts, with
 *       probability P, a burst that loses it and the following ones, L of them on average.
 *   <li>{@code dup=}: the probability that a datagram arrives twice (the copy with a latency of its own, so it may
 *       arrive after later datagrams).
 *   <li>{@code corrupt=}: the probability that a datagram arrives with one byte flipped (the middle one).
 *   <li>{@code reorder=P/D}: the probability that a datagram is held back D more, so later ones overtake it.
 *   <li>{@code slice=}: the probability that a stream's data segment (one write, or what the window let through)
 *       arrives in pieces, each read on its own: two halves, four pieces, or one-byte pieces (at most
 *       {@value #MAX_PIECES}, the last taking the rest), equally likely. Framing bugs show here.
 *   <li>{@code reset=}: the probability that a stream's data segment is replaced by a reset in both directions (as
 *       Toxiproxy's {@code reset_peer}): both ends' next read fails with "Connection reset" instead of a clean FIN.
 *   <li>{@code refuse=}: the probability that a connect to a listening port is refused anyway.
 *   <li>{@code connect_timeout=}: the probability that a connect's SYN is lost for good: the connect fails with a
 *       timeout after the network's connect timeout ({@link SimNetwork#setConnectTimeout}, 127 s by default).
 *   <li>{@code accept_delay=P/D}: the probability that a connection reaches the listener's accept queue only D
 *       after its handshake: the client is connected (and may write) while the server has not accepted it yet.
 *   <li>{@code slow_close=P/D}: the probability that a stream's FIN (the end of stream) arrives D late, after the
 *       data before it (Toxiproxy's {@code slow_close}).
 *   <li>{@code clog=P/D}: as {@code partition}, but what meets the clog waits, datagrams too, and arrives when it
 *       ends (turmoil's "hold").
 *   <li>{@code bandwidth=R} ({@code 100KB/s}, {@code 1MiB/s}, {@code 500B/s}; KB = 1,000 bytes as Toxiproxy's):
 *       what is sent on a link goes out one thing after another at that rate. Not a choice: a property of the link.
 *   <li>{@code partition=P/D} ({@code 1%/200ms}): each send on a link of the rule that is not partitioned starts,
 *       with probability P, a partition of that link for D: one way for a {@code from->to} rule, both ways for
 *       {@code a<->b}. A partition holds a stream's segments (in flight too) until it heals, or until the network's
 *       stream timeout resets the connection ({@link SimNetwork#setStreamTimeout}), and drops datagrams.
 * </ul>
 *
 * <p>The printable form is {@code rule; rule; ...}, each rule {@code link: fault, fault}, e.g.
 * {@code "client<->server: latency=uniform(1ms,10ms), loss=2%, dup=1%; *->*: latency=fixed(100us)"}.
 * {@link #parse} reads it and the presets' names; {@link #toString} writes it back ({@code parse(p.toString())}
 * equals {@code p}).
 *
 * <h2>Presets</h2>
 *
 * <p>{@code none} (no fault), {@code mild} (every link: latency {@code uniform(0ms,2ms)}, loss 1%, dup 0.5%) and
 * {@code harsh} (every link: latency {@code tail(1ms,50ms)}, loss 10%, dup 5%), as FoundationDB's buggify and
 * moonpool's defaults give a starting point in one word.
 *
 * <p>Scripted partitions (at chosen moments, not drawn) are {@link SimNetwork#partition}, {@code heal} and
 * {@code partitionOneWay}.
 *
 * <p>Host crashes and restarts are {@link io.weft.sim.net.SimHost#crash()} and {@code restart()}.
 *
 * <h2>Host clocks</h2>
 *
 * <p>A rule {@code host NAME: clock_offset=-40ms, clock_drift=200ppm} gives host {@code NAME} a wall clock off by that
 * much and drifting by that much ({@link HostClock}; code reads it through {@link io.weft.time.WallClock}). Ranges,
 * {@code host *: clock_offset=-50ms..50ms, clock_drift=-100ppm..100ppm}, make each host's offset and drift a fault
 * decision, shrunk toward no skew. {@code host db: crash=1%/500ms} crashes the host at random moments
 * ({@link HostCrash}).
 *
 * <h2>Failpoints</h2>
 *
 * <p>A rule {@code failpoint NAME: actions} arms the failpoint {@code NAME} in user code ({@link Failpoints}), e.g.
 * {@code failpoint db.commit: 10% throw(java.io.IOException: disk full), 5% delay(10ms)} ({@link Failpoint} has the
 * actions); each evaluation is a fault decision like the network's.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class FaultPlan implements NetFaults {

  /** No fault anywhere. */
  public static final FaultPlan NONE = new FaultPlan(List.of());
  /** Every link: latency {@code uniform(0ms,2ms)}, datagram loss 1%, duplication 0.5%. */
  public static final FaultPlan MILD = parse("*->*: latency=uniform(0ms,2ms), loss=1%, dup=0.5%");
  /** Every link: latency {@code tail(1ms,50ms)}, datagram loss 10%, duplication 5%. */
  public static final FaultPlan HARSH = parse("*->*: latency=tail(1ms,50ms), loss=10%, dup=5%");

  private final List<Rule> rules;

  private FaultPlan(List<Rule> rules) {
    this(rules, List.of());
  }

  // --- failpoints (Failpoint.java, Failpoints.java) ---
  private final List<Failpoint> failpoints;

  private FaultPlan(List<Rule> rules, List<Failpoint> failpoints) {
    this(rules, failpoints, List.of());
  }

  private FaultPlan(List<Rule> rules, List<Failpoint> failpoints, List<HostClock> hostClocks) {
    this(rules, failpoints, hostClocks, List.of());
  }

  private FaultPlan(List<Rule> rules, List<Failpoint> failpoints, List<HostClock> hostClocks,
      List<HostCrash> hostCrashes) {
    this.hostCrashes = List.copyOf(hostCrashes);
    java.util.Set<String> crashing = new java.util.HashSet<>();
    for (HostCrash c : this.hostCrashes) {
      if (!crashing.add(c.host())) {
        throw new IllegalArgumentException("host " + c.host() + " has two crash rules in one plan: give it one");
      }
    }
    this.hostClocks = List.copyOf(hostClocks);
    java.util.Set<String> hosts = new java.util.HashSet<>();
    for (HostClock h : this.hostClocks) {
      if (!hosts.add(h.host())) {
        throw new IllegalArgumentException("host " + h.host() + " has two clock rules in one plan: give it one");
      }
    }
    this.rules = List.copyOf(rules);
    this.failpoints = List.copyOf(failpoints);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Failpoint f : this.failpoints) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("failpoint " + f.name() + " has two rules in one plan: give it one");
      }
    }
    if (!this.failpoints.isEmpty()) {
      SimulatedFailpoints.arm();
    }
  }

  /** Returns the failpoint rules, in the order written. */
  public List<Failpoint> failpoints() {
    return failpoints;
  }

  /** The rule of failpoint {@code name}, or null. */
  Failpoint failpoint(String name) {
    for (Failpoint f : failpoints) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }
  // --- end of failpoints ---

  // --- host clocks ---
  private final List<HostClock> hostClocks;
  private final List<HostCrash> hostCrashes;

  /**
   * A host's wall clock in a plan, {@code host db: clock_offset=-40ms, clock_drift=200ppm}: that far ahead of the
   * simulation's wall clock (negative: behind) and that many parts per million fast (negative: slow), added to what
   * {@link io.weft.sim.net.SimHost#setClock} set; read through {@link io.weft.time.WallClock}. A range,
   * {@code clock_offset=-50ms..50ms} or {@code clock_drift=-200ppm..200ppm}, makes the value a fault decision of the
   * run, taken when the host's wall clock is first read: one of 9 evenly spaced values of the range, equally likely,
   * alternative 0 the one nearest 0 (no skew), so it is recorded, replayed and shrunk like the network's faults. Host
   * {@code *} is every host without a rule of its own, each with its own decision.
   *
   * @param host the host's name, or {@code *}
   * @param offsetNanos the offset in nanoseconds, or the least of its range
   * @param offsetMaxNanos the greatest offset of the range, {@code offsetNanos} for a fixed offset
   * @param driftPpm the drift in parts per million, within +-1,000,000, or the least of its range
   * @param driftMaxPpm the greatest drift of the range, {@code driftPpm} for a fixed drift
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record HostClock(String host, long offsetNanos, long offsetMaxNanos, long driftPpm, long driftMaxPpm) {
    /** Checks the fields. */
    public HostClock {
      Objects.requireNonNull(host, "host must not be null");
      if (host.isBlank()) {
        throw new IllegalArgumentException("a clock rule names one host or *, got \"" + host + "\"");
      }
      for (long d : new long[] {driftPpm, driftMaxPpm}) {
        if (d <= -1_000_000 || d >= 1_000_000) {
          throw new IllegalArgumentException("clock_drift must be within +-1,000,000 ppm, got " + d);
        }
      }
      if (offsetMaxNanos < offsetNanos) {
        throw new IllegalArgumentException("a clock_offset range goes from low to high, got "
            + HostClocks.offset(offsetNanos) + ".." + HostClocks.offset(offsetMaxNanos));
      }
      if (driftMaxPpm < driftPpm) {
        throw new IllegalArgumentException("a clock_drift range goes from low to high, got " + driftPpm + "ppm.."
            + driftMaxPpm + "ppm");
      }
    }

    /** A fixed offset and drift. */
    public HostClock(String host, long offsetNanos, long driftPpm) {
      this(host, offsetNanos, offsetNanos, driftPpm, driftPpm);
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (offsetNanos != 0 || offsetMaxNanos != 0) {
        parts.add("clock_offset=" + HostClocks.offset(offsetNanos)
            + (offsetMaxNanos != offsetNanos ? ".." + HostClocks.offset(offsetMaxNanos) : ""));
      }
      if (driftPpm != 0 || driftMaxPpm != 0) {
        parts.add("clock_drift=" + driftPpm + "ppm" + (driftMaxPpm != driftPpm ? ".." + driftMaxPpm + "ppm" : ""));
      }
      return "host " + host + ": " + String.join(", ", parts);
    }
  }

  /** Returns the host clock rules, in the order written. */
  public List<HostClock> hostClocks() {
    return hostClocks;
  }

  /** Returns the host crash rules, in the order written. */
  public List<HostCrash> hostCrashes() {
    return hostCrashes;
  }

  @Override
  public long crashNanos(Send send, Chooser chooser) {
    HostCrash c = HostCrash.of(hostCrashes, send.from());
    if (c == null) {
      return 0;
    }
    TimedFault f = c.crash();
    return chooser.choose(new double[] {1 - f.probability(), f.probability()}, i -> "host " + send.from()
        + " crashed just after it sent " + PlanDecisions.what(send) + ", and restarts " + Durations.millis(f.nanos())
        + " later (crash " + f + ")") == 1 ? f.nanos() : 0;
  }

  @Override
  public long clockOffsetNanos(String host) {
    HostClock h = HostClocks.of(hostClocks, host);
    return h == null ? 0 : h.offsetNanos();
  }

  @Override
  public long clockDriftPpm(String host) {
    HostClock h = HostClocks.of(hostClocks, host);
    return h == null ? 0 : h.driftPpm();
  }

  @Override
  public long clockOffsetNanos(String host, Chooser chooser) {
    return HostClocks.offset(hostClocks, host, chooser);
  }

  @Override
  public long clockDriftPpm(String host, Chooser chooser) {
    return HostClocks.drift(hostClocks, host, chooser);
  }
  // --- end of host clocks ---

  /** Returns a builder for a plan. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the rules, in the order they are tried. */
  public List<Rule> rules() {
    return rules;
  }

  /** Sets this plan on {@code network}: everything it sends from now on is asked of this plan. */
  public void applyTo(SimNetwork network) {
    network.setFaults(isEmpty() ? null : this);
  }

  /**
   * Reads a plan's printable form, or a preset's name ({@code none}, {@code mild}, {@code harsh}).
   *
   * @throws IllegalArgumentException naming the part that is wrong and what was expected
   */
  public static FaultPlan parse(String text) {
    Objects.requireNonNull(text, "text must not be null");
    String t = text.strip();
    switch (t.toLowerCase(Locale.ROOT)) {
      case "", "none":
        return NONE;
      case "mild":
        return MILD;
      case "harsh":
        return HARSH;
      default:
        break;
    }
    Builder b = builder();
    PlanText.read(t, b.rules::add, b.failpoints::add, b.hostClocks::add, b.hostCrashes::add);
    return b.build();
  }

  static double checkProbability(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be a probability in 0-1 (0%-100%), got " + p);
    }
    return p;
  }

  /** The first rule matching the link, or null. */
  private Rule ruleFor(String from, String to) {
    for (Rule r : rules) {
      if (r.link().matches(from, to)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public Partition partition(Send send, Chooser chooser) {
    return PlanDecisions.partition(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public long bandwidth(String from, String to) {
    Rule r = ruleFor(from, to);
    return r == null ? 0 : r.bandwidth();
  }

  /** The most pieces a sliced segment is cut into: one-byte pieces stop here, the last piece takes the rest. */
  static final int MAX_PIECES = PlanDecisions.MAX_PIECES;

  /** Alternative 1: two halves; 2: four near-equal pieces (fewer for fewer bytes); 3: one-byte pieces. */
  static int[] cut(int bytes, int alternative) {
    return PlanDecisions.cut(bytes, alternative);
  }

  @Override
  public int[] slices(Send send, Chooser chooser) {
    return PlanDecisions.slices(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public boolean reset(Send send, Chooser chooser) {
    return PlanDecisions.reset(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public boolean blackhole(Send send, Chooser chooser) {
    return PlanDecisions.blackhole(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public boolean refuse(Send send, Chooser chooser) {
    return PlanDecisions.refuse(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public byte[] corrupt(Send send, byte[] data, Chooser chooser) {
    return PlanDecisions.corrupt(ruleFor(send.from(), send.to()), send, data, chooser);
  }

  @Override
  public long extraDelayNanos(Send send, Chooser chooser) {
    return PlanDecisions.extraDelayNanos(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public long acceptDelayNanos(Send send, Chooser chooser) {
    return PlanDecisions.acceptDelayNanos(ruleFor(send.from(), send.to()), send, chooser);
  }

  @Override
  public long[] datagramDelays(Send send, Chooser chooser) {
    return PlanDecisions.datagramDelays(ruleFor(send.from(), send.to()), send, chooser);
  }

  private static String percent(double p) {
    return PlanDecisions.percent(p);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultPlan p && p.rules.equals(rules) && p.failpoints.equals(failpoints)
        && p.hostClocks.equals(hostClocks) && p.hostCrashes.equals(hostCrashes);
  }

  @Override
  public int hashCode() {
    return ((rules.hashCode() * 31 + failpoints.hashCode()) * 31 + hostClocks.hashCode()) * 31
        + hostCrashes.hashCode();
  }

  private boolean isEmpty() {
    return rules.isEmpty() && failpoints.isEmpty() && hostClocks.isEmpty() && hostCrashes.isEmpty();
  }

  /** The printable form, which {@link #parse} reads back; {@code none} for no rule. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (Rule r : rules) {
      if (!sb.isEmpty()) {
        sb.append("; ");
      }
      sb.append(r);
    }
    for (Failpoint f : failpoints) {
      sb.append(sb.isEmpty() ? "" : "; ").append(f);
    }
    for (HostClock h : hostClocks) {
      sb.append(sb.isEmpty() ? "" : "; ").append(h);
    }
    for (HostCrash c : hostCrashes) {
      sb.append(sb.isEmpty() ? "" : "; ").append(c);
    }
    return sb.toString();
  }

  /** Builds a plan rule by rule: {@code link(...)} starts a rule, the fault methods set its faults. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private final List<Failpoint> failpoints = new ArrayList<>();
    private final List<HostClock> hostClocks = new ArrayList<>();
    private final List<HostCrash> hostCrashes = new ArrayList<>();
    private Rule.Builder current;

    /**
     * Arms failpoint {@code name} with {@code actions}, e.g.
     * {@code failpoint("db.commit", "10% throw(java.io.IOException)")}; see {@link Failpoint}.
     */
    public Builder failpoint(String name, String actions) {
      failpoints.add(Failpoint.parse(name, actions));
      return this;
    }

    private Builder() {}

    /** Starts a rule for one direction, {@code from -> to} (host names or {@code *}). */
    public Builder link(String from, String to) {
      flush();
      current = new Rule.Builder(new Link(from, to, false));
      return this;
    }

    /** Starts a rule for both directions between {@code a} and {@code b}. */
    public Builder between(String a, String b) {
      flush();
      current = new Rule.Builder(new Link(a, b, true));
      return this;
    }

    /** Starts a rule for every link. */
    public Builder everyLink() {
      flush();
      current = new Rule.Builder(Link.any());
      return this;
    }

    /** Sets the current rule's extra latency. */
    public Builder latency(Latency latency) {
      rule().latency(latency);
      return this;
    }

    /** Sets the current rule's datagram loss probability, 0-1. */
    public Builder loss(double probability) {
      rule().loss(probability);
      return this;
    }

    /** Sets the current rule's datagram duplication probability, 0-1. */
    public Builder duplicate(double probability) {
      rule().duplicate(probability);
      return this;
    }

    /** Sets the probability that a stream's data segment on the current rule's links arrives in pieces, 0-1. */
    public Builder slice(double probability) {
      rule().slice(probability);
      return this;
    }

    /** Sets the probability that a stream's data segment is replaced by a reset in both directions, 0-1. */
    public Builder reset(double probability) {
      rule().reset(probability);
      return this;
    }

    /** Sets the probability that a connect to a listening port is refused anyway, 0-1. */
    public Builder refuse(double probability) {
      rule().refuse(probability);
      return this;
    }

    /** Sets the probability that a datagram arrives with one byte changed, 0-1. */
    public Builder corrupt(double probability) {
      rule().corrupt(probability);
      return this;
    }

    /**
     * Sets the current rule's clogs: each send on a link of the rule that is not blocked starts, with
     * {@code probability}, a clog of that link for {@code duration}: everything on it, datagrams too, waits and
     * arrives when it ends.
     */
    public Builder clog(double probability, java.time.Duration duration) {
      Objects.requireNonNull(duration, "duration must not be null");
      rule().clog(probability, duration.toNanos());
      return this;
    }

    /**
     * Sets the current rule's burst losses (the Gilbert-Elliott model): each datagram that finds the link in its good
     * state starts, with {@code probability}, a burst that loses it and those after it until the burst ends, each
     * further datagram ending it with probability {@code 1 / meanLength}.
     */
    public Builder burst(double probability, double meanLength) {
      rule().burst(probability, meanLength);
      return this;
    }

    /** Sets the probability that a connect's SYN is lost for good, so the connect times out, 0-1. */
    public Builder connectTimeout(double probability) {
      rule().connectTimeout(probability);
      return this;
    }

    /** Sets the current rule's links' bandwidth, in bytes per second (0: unlimited). */
    public Builder bandwidth(long bytesPerSecond) {
      rule().bandwidth(bytesPerSecond);
      return this;
    }

    /**
     * Sets the current rule's partitions: each send on a link of the rule that is not partitioned starts, with
     * {@code probability}, a partition of that link for {@code duration} (both ways for a {@code between} rule).
     */
    public Builder partition(double probability, java.time.Duration duration) {
      Objects.requireNonNull(duration, "duration must not be null");
      rule().partition(probability, duration.toNanos());
      return this;
    }

    /**
     * Sets the current rule's datagram reordering: each datagram is, with {@code probability}, held back
     * {@code delay} more, so the ones sent after it overtake it (netem's reorder).
     */
    public Builder reorder(double probability, java.time.Duration delay) {
      Objects.requireNonNull(delay, "delay must not be null");
      rule().reorder(probability, delay.toNanos());
      return this;
    }

    /**
     * Sets the current rule's accept delays: each connection that completes its handshake reaches the listener's
     * accept queue, with {@code probability}, only {@code delay} later (a server slow to accept); the client is
     * connected and may write meanwhile.
     */
    public Builder acceptDelay(double probability, java.time.Duration delay) {
      Objects.requireNonNull(delay, "delay must not be null");
      rule().acceptDelay(probability, delay.toNanos());
      return this;
    }

    /**
     * Sets the current rule's slow closes: each stream's FIN (the end of what one side sends) arrives, with
     * {@code probability}, {@code delay} late (Toxiproxy's {@code slow_close}).
     */
    public Builder slowClose(double probability, java.time.Duration delay) {
      Objects.requireNonNull(delay, "delay must not be null");
      rule().slowClose(probability, delay.toNanos());
      return this;
    }

    private Rule.Builder rule() {
      if (current == null) {
        throw new IllegalStateException("start a rule first: link(from, to), between(a, b) or everyLink()");
      }
      return current;
    }

    private void flush() {
      if (current != null) {
        rules.add(current.build());
        current = null;
      }
    }

    /**
     * Adds a host's wall clock: {@code offset} ahead (negative: behind) and {@code driftPpm} fast (see
     * {@link HostClock}).
     */
    public Builder hostClock(String host, java.time.Duration offset, long driftPpm) {
      Objects.requireNonNull(offset, "offset must not be null");
      hostClocks.add(new HostClock(host, offset.toNanos(), driftPpm));
      return this;
    }

    /**
     * Adds a host's wall clock whose offset and drift are fault decisions of each run: one of evenly spaced values
     * from the low to the high end of each range (see {@link HostClock}); {@code host} may be {@code *}.
     */
    public Builder hostClock(String host, java.time.Duration lowOffset, java.time.Duration highOffset, long lowDriftPpm,
        long highDriftPpm) {
      Objects.requireNonNull(lowOffset, "lowOffset must not be null");
      Objects.requireNonNull(highOffset, "highOffset must not be null");
      hostClocks.add(new HostClock(host, lowOffset.toNanos(), highOffset.toNanos(), lowDriftPpm, highDriftPpm));
      return this;
    }

    /**
     * Adds random crashes of {@code host} ({@code *}: every host without a rule of its own): each thing it sends
     * crashes it, with {@code probability}, and it restarts {@code downFor} later (see {@link HostCrash}).
     */
    public Builder hostCrash(String host, double probability, java.time.Duration downFor) {
      Objects.requireNonNull(downFor, "downFor must not be null");
      checkProbability("crash", probability);
      hostCrashes.add(new HostCrash(host, new TimedFault(probability, downFor.toNanos())));
      return this;
    }

    /** Returns the plan. */
    public FaultPlan build() {
      flush();
      return new FaultPlan(rules, failpoints, hostClocks, hostCrashes);
    }
  }
}
