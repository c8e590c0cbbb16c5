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
 *   <li>{@code dup=}: the probability that a datagram arrives twice (the copy with a latency of its own, so it may
 *       arrive after later datagrams).
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
 * <h2>Failpoints</h2>
 *
 * <p>A rule {@code failpoint NAME: actions} arms the failpoint {@code NAME} in user code ({@link Failpoints}), e.g.
 * {@code failpoint db.commit: 10% throw(java.io.IOException: disk full), 5% delay(10ms)} ({@link Failpoint} has the
 * actions); each evaluation is a fault decision like the network's.
 *
 * <p>Still to come (issue 10): partitions, clogging, slicing, resets, connect failures, bandwidth, burst loss,
 * corruption, host crashes and clock faults.
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
    network.setFaults(rules.isEmpty() && failpoints.isEmpty() ? null : this);
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
    for (String ruleText : t.split(";")) {
      if (ruleText.isBlank()) {
        continue;
      }
      if (ruleText.strip().toLowerCase(Locale.ROOT).startsWith("failpoint ")) { // a failpoint (Failpoint.java)
        String f = ruleText.strip().substring("failpoint ".length());
        int c = f.indexOf(':');
        if (c < 0) {
          throw new IllegalArgumentException("a failpoint rule is \"failpoint NAME: actions\", got \""
              + ruleText.strip() + "\"");
        }
        b.failpoints.add(Failpoint.parse(f.substring(0, c).strip(), f.substring(c + 1)));
        continue;
      }
      int colon = ruleText.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("a rule is \"link: fault, fault\" (e.g. \"a->b: loss=1%\"), got \""
            + ruleText.strip() + "\"");
      }
      Link link = Link.parse(ruleText.substring(0, colon));
      Rule.Builder rule = new Rule.Builder(link);
      for (String fault : splitTopLevel(ruleText.substring(colon + 1))) {
        int eq = fault.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("a fault is name=value (latency=, loss=, dup=), got \"" + fault.strip()
              + "\" in rule \"" + ruleText.strip() + "\"");
        }
        String name = fault.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = fault.substring(eq + 1).strip();
        switch (name) {
          case "latency" -> rule.latency(Latency.parse(value));
          case "loss" -> rule.loss(probability("loss", value));
          case "dup" -> rule.duplicate(probability("dup", value));
          default -> throw new IllegalArgumentException("unknown fault \"" + name + "\" in rule \"" + ruleText.strip()
              + "\": expected latency, loss or dup");
        }
      }
      b.rules.add(rule.build());
    }
    return b.build();
  }

  /** Splits on commas outside parentheses. */
  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out.stream().filter(x -> !x.isBlank()).toList();
  }

  private static double probability(String what, String value) {
    String v = value.strip();
    double p;
    try {
      p = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1).strip()) / 100
          : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is a probability (\"5%\" or \"0.05\"), got \"" + value + "\"", e);
    }
    return checkProbability(what, p);
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
  public long extraDelayNanos(Send send, Chooser chooser) {
    Rule r = ruleFor(send.from(), send.to());
    if (r == null || r.latency() == null) {
      return 0;
    }
    return latency(r.latency(), send, chooser, "");
  }

  @Override
  public long[] datagramDelays(Send send, Chooser chooser) {
    Rule r = ruleFor(send.from(), send.to());
    if (r == null) {
      return new long[] {0};
    }
    if (r.loss() > 0 && chooser.choose(new double[] {1 - r.loss(), r.loss()},
        c -> what(send) + " was dropped (loss " + percent(r.loss()) + ")") == 1) {
      return new long[0];
    }
    long first = r.latency() == null ? 0 : latency(r.latency(), send, chooser, "");
    if (r.duplicate() > 0 && chooser.choose(new double[] {1 - r.duplicate(), r.duplicate()},
        c -> what(send) + " was duplicated (dup " + percent(r.duplicate()) + ")") == 1) {
      long second = r.latency() == null ? 0 : latency(r.latency(), send, chooser, "its copy: ");
      return new long[] {first, second};
    }
    return new long[] {first};
  }

  /** Chooses a latency bucket: bucket 0 (the fastest) is no fault. */
  private static long latency(Latency l, Send send, Chooser chooser, String prefix) {
    if (l.isFixed()) {
      return l.nanosAt(0.5);
    }
    double[] weights = new double[Latency.BUCKETS];
    java.util.Arrays.fill(weights, 1.0 / Latency.BUCKETS);
    int c = chooser.choose(weights, i -> prefix + what(send) + " took " + Durations.millis(send.baseDelayNanos()
        + l.nanosAt(Latency.quantileOf(i))) + " to arrive, not " + Durations.millis(send.baseDelayNanos()
        + l.nanosAt(Latency.quantileOf(0))) + " (" + l + " at its " + percentile(Latency.quantileOf(i)) + ")");
    return l.nanosAt(Latency.quantileOf(c));
  }

  private static String what(Send s) {
    return switch (s.kind()) {
      case DATAGRAM -> "the datagram of " + s.bytes() + " bytes " + s.link();
      case SEGMENT -> "the segment of " + s.bytes() + " bytes " + s.link() + " (connection #" + s.id() + ")";
      case HANDSHAKE -> "the handshake message " + s.link() + " (connection #" + s.id() + ")";
      case FIN -> "the FIN " + s.link() + " (connection #" + s.id() + ")";
      case RESET -> "the RST " + s.link() + " (connection #" + s.id() + ")";
    };
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%.4g%%", p * 100).replaceAll("\\.?0+%$", "%");
  }

  private static String percentile(double q) {
    return String.format(Locale.ROOT, "p%.2g", q * 100).replaceAll("\\.?0+$", "");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultPlan p && p.rules.equals(rules) && p.failpoints.equals(failpoints);
  }

  @Override
  public int hashCode() {
    return rules.hashCode() * 31 + failpoints.hashCode();
  }

  /** The printable form, which {@link #parse} reads back; {@code none} for no rule. */
  @Override
  public String toString() {
    if (rules.isEmpty() && failpoints.isEmpty()) {
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
    return sb.toString();
  }

  /** Which links a rule covers: a direction ({@code a->b}) or both ({@code a<->b}); {@code *} matches any host. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Link(String from, String to, boolean bothWays) {
    /** Checks the names. */
    public Link {
      Objects.requireNonNull(from, "from must not be null");
      Objects.requireNonNull(to, "to must not be null");
      if (from.isBlank() || to.isBlank()) {
        throw new IllegalArgumentException("a link names two hosts (or *), got \"" + from + "\" and \"" + to + "\"");
      }
    }

    /** Every link, every direction. */
    public static Link any() {
      return new Link("*", "*", false);
    }

    /** Whether something sent from {@code from} to {@code to} (null: an address no host has) is on this link. */
    public boolean matches(String from, String to) {
      return oneWay(this.from, this.to, from, to) || (bothWays && oneWay(this.to, this.from, from, to));
    }

    private static boolean oneWay(String a, String b, String from, String to) {
      return (a.equals("*") || a.equals(from)) && (b.equals("*") || b.equals(to));
    }

    static Link parse(String text) {
      String t = text.strip();
      boolean both = t.contains("<->");
      String[] parts = t.split(both ? "<->" : "->", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("a link is \"from->to\" or \"a<->b\" (host names or *), got \"" + t + "\"");
      }
      return new Link(parts[0].strip(), parts[1].strip(), both);
    }

    @Override
    public String toString() {
      return from + (bothWays ? "<->" : "->") + to;
    }
  }

  /**
   * The faults on one link.
   *
   * @param link the links covered
   * @param latency extra latency per delivery, or null for none
   * @param loss the probability a datagram is dropped, 0-1
   * @param duplicate the probability a datagram arrives twice, 0-1
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Rule(Link link, Latency latency, double loss, double duplicate) {
    /** Checks the fields. */
    public Rule {
      Objects.requireNonNull(link, "link must not be null");
      checkProbability("loss", loss);
      checkProbability("dup", duplicate);
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (latency != null) {
        parts.add("latency=" + latency);
      }
      if (loss > 0) {
        parts.add("loss=" + percent(loss));
      }
      if (duplicate > 0) {
        parts.add("dup=" + percent(duplicate));
      }
      return link + ": " + String.join(", ", parts);
    }

    /** Builds a rule. */
    static final class Builder {
      private final Link link;
      private Latency latency;
      private double loss;
      private double duplicate;

      Builder(Link link) {
        this.link = link;
      }

      Builder latency(Latency l) {
        latency = Objects.requireNonNull(l, "latency must not be null");
        return this;
      }

      Builder loss(double p) {
        loss = checkProbability("loss", p);
        return this;
      }

      Builder duplicate(double p) {
        duplicate = checkProbability("dup", p);
        return this;
      }

      Rule build() {
        return new Rule(link, latency, loss, duplicate);
      }
    }
  }

  /** Builds a plan rule by rule: {@code link(...)} starts a rule, the fault methods set its faults. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private final List<Failpoint> failpoints = new ArrayList<>();
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

    /** Returns the plan. */
    public FaultPlan build() {
      flush();
      return new FaultPlan(rules, failpoints);
    }
  }
}
