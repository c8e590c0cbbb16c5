package io.weft.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads a {@link FaultPlan}'s printable form, rule by rule: {@code link: fault, fault} and
 * {@code failpoint NAME: actions}, separated by {@code ;}. Errors name the part that is wrong and what was expected.
 */
final class PlanText {

  private PlanText() {}

  /** Reads {@code text} (not a preset's name), handing each network rule and each failpoint rule on in order. */
  static void read(String text, Consumer<Rule> rules, Consumer<Failpoint> failpoints,
      Consumer<FaultPlan.HostClock> hostClocks, Consumer<HostCrash> hostCrashes) {
    for (String ruleText : text.split(";")) {
      if (ruleText.isBlank()) {
        continue;
      }
      String r = ruleText.strip();
      if (r.toLowerCase(Locale.ROOT).startsWith("failpoint ")) { // a failpoint (Failpoint.java)
        String f = r.substring("failpoint ".length());
        int c = f.indexOf(':');
        if (c < 0) {
          throw new IllegalArgumentException("a failpoint rule is \"failpoint NAME: actions\", got \"" + r + "\"");
        }
        failpoints.accept(Failpoint.parse(f.substring(0, c).strip(), f.substring(c + 1)));
        continue;
      }
      if (r.toLowerCase(Locale.ROOT).startsWith("host ")) {
        host(r, hostClocks, hostCrashes);
        continue;
      }
      rules.accept(rule(r));
    }
  }

  /**
   * A host rule, {@code host NAME: clock_offset=D, clock_drift=Nppm, crash=P/D} (an offset may be negative), each
   * clock value fixed or a range {@code LOW..HIGH}: a clock rule if it sets the clock, a crash rule if it crashes.
   */
  private static void host(String r, Consumer<FaultPlan.HostClock> hostClocks, Consumer<HostCrash> hostCrashes) {
    String h = r.substring("host ".length());
    int colon = h.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("a host rule is \"host NAME: clock_offset=D, clock_drift=Nppm, crash=P/D\","
          + " got \"" + r + "\"");
    }
    String name = h.substring(0, colon).strip();
    long[] offset = null;
    long[] drift = null;
    HostCrash crash = null;
    for (String part : splitTopLevel(h.substring(colon + 1))) {
      int eq = part.indexOf('=');
      String fault = eq < 0 ? part.strip() : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : part.substring(eq + 1).strip();
      switch (fault) {
        case "clock_offset" -> offset = range(value, PlanText::offset);
        case "clock_drift" -> drift = range(value, PlanText::ppm);
        case "crash" -> crash = new HostCrash(name, new TimedFault(probability("crash", before(fault, value)),
            Durations.parse(after(value))));
        default -> throw new IllegalArgumentException("unknown host fault \"" + fault + "\" in rule \"" + r
            + "\": expected clock_offset, clock_drift or crash");
      }
    }
    if (offset == null && drift == null && crash == null) {
      throw new IllegalArgumentException("a host rule sets clock_offset, clock_drift or crash, got \"" + r + "\"");
    }
    if (offset != null || drift != null) {
      offset = offset == null ? new long[2] : offset;
      drift = drift == null ? new long[2] : drift;
      hostClocks.accept(new FaultPlan.HostClock(name, offset[0], offset[1], drift[0], drift[1]));
    }
    if (crash != null) {
      hostCrashes.accept(crash);
    }
  }

  /** {@code V} (both ends the same) or {@code LOW..HIGH}, each read by {@code one}. */
  private static long[] range(String value, java.util.function.ToLongFunction<String> one) {
    int dots = value.indexOf("..");
    if (dots < 0) {
      long v = one.applyAsLong(value);
      return new long[] {v, v};
    }
    return new long[] {one.applyAsLong(value.substring(0, dots).strip()),
        one.applyAsLong(value.substring(dots + 2).strip())};
  }

  private static long offset(String value) {
    return value.startsWith("-") ? -Durations.parse(value.substring(1)) : Durations.parse(value);
  }

  private static long ppm(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (!v.endsWith("ppm")) {
      throw new IllegalArgumentException("clock_drift is parts per million (\"200ppm\" or \"-200ppm..200ppm\"), got \""
          + value + "\"");
    }
    try {
      return Long.parseLong(v.substring(0, v.length() - 3).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("clock_drift is a whole number of ppm, got \"" + value + "\"", e);
    }
  }

  /** One network rule, {@code link: fault, fault}. */
  private static Rule rule(String r) {
    int colon = r.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("a rule is \"link: fault, fault\" (e.g. \"a->b: loss=1%\"), got \"" + r
          + "\"");
    }
    Rule.Builder rule = new Rule.Builder(Link.parse(r.substring(0, colon)));
    for (String fault : splitTopLevel(r.substring(colon + 1))) {
      int eq = fault.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("a fault is name=value (latency=, loss=, dup=), got \"" + fault.strip()
            + "\" in rule \"" + r + "\"");
      }
      String name = fault.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = fault.substring(eq + 1).strip();
      switch (name) {
        case "latency" -> rule.latency(Latency.parse(value));
        case "loss" -> rule.loss(probability("loss", value));
        case "dup" -> rule.duplicate(probability("dup", value));
        case "slice" -> rule.slice(probability("slice", value));
        case "reset" -> rule.reset(probability("reset", value));
        case "refuse" -> rule.refuse(probability("refuse", value));
        case "corrupt" -> rule.corrupt(probability("corrupt", value));
        case "bandwidth" -> rule.bandwidth(Rates.parse(value));
        case "connect_timeout" -> rule.connectTimeout(probability("connect_timeout", value));
        case "burst" -> rule.burst(probability("burst", before(name, value)), meanLength(after(value)));
        case "clog" -> rule.clog(probability("clog", before(name, value)), Durations.parse(after(value)));
        case "partition" -> rule.partition(probability("partition", before(name, value)),
            Durations.parse(after(value)));
        case "reorder" -> rule.reorder(probability("reorder", before(name, value)), Durations.parse(after(value)));
        case "accept_delay" -> rule.acceptDelay(probability("accept_delay", before(name, value)),
            Durations.parse(after(value)));
        case "slow_close" -> rule.slowClose(probability("slow_close", before(name, value)),
            Durations.parse(after(value)));
        default -> throw new IllegalArgumentException("unknown fault \"" + name + "\" in rule \"" + r
            + "\": expected latency, loss, burst, dup, corrupt, reorder, partition, clog, slice, reset,"
            + " refuse, connect_timeout, accept_delay, slow_close or bandwidth");
      }
    }
    return rule.build();
  }

  /** A burst's mean length, a number of datagrams, at least 1. */
  private static double meanLength(String value) {
    try {
      double v = Double.parseDouble(value.strip());
      if (!(v >= 1) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("a burst's mean length is a number of datagrams, at least 1, got \""
            + value.strip() + "\"");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a burst's mean length is a number of datagrams, got \"" + value.strip()
          + "\"", e);
    }
  }

  /** The probability of a {@code probability/duration} value ({@code partition=1%/200ms}). */
  private static String before(String name, String value) {
    int slash = value.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(name + " is probability/" + (name.equals("burst") ? "mean length (\"1%/4\")"
          : "duration (\"1%/200ms\")") + ", got \"" + value + "\"");
    }
    return value.substring(0, slash);
  }

  /** The duration of a {@code probability/duration} value. */
  private static String after(String value) {
    return value.substring(value.indexOf('/') + 1);
  }

  /** Splits on commas outside parentheses. */
  static List<String> splitTopLevel(String s) {
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

  /** A probability written {@code 5%} or {@code 0.05}, in 0-1. */
  static double probability(String what, String value) {
    String v = value.strip();
    double p;
    try {
      p = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1).strip()) / 100
          : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is a probability (\"5%\" or \"0.05\"), got \"" + value + "\"", e);
    }
    return FaultPlan.checkProbability(what, p);
  }
}
