package io.weft.fault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Failpoints in production, configured by the {@value Failpoints#PROPERTY} system property: each evaluation draws
 * from a seeded generator, with the configured probabilities. Thread-safe.
 */
final class ProductionFailpoints {

  private final Map<String, Failpoint> points;
  private final Map<String, AtomicIntegerArray> fired = new LinkedHashMap<>();
  private final long seed;
  // Guarded by itself.
  private final SplittableRandom random;

  ProductionFailpoints(List<Failpoint> points, long seed) {
    Map<String, Failpoint> byName = new LinkedHashMap<>();
    for (Failpoint p : points) {
      if (byName.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("failpoint " + p.name() + " is configured twice");
      }
      fired.put(p.name(), new AtomicIntegerArray(p.actions().size()));
    }
    this.points = java.util.Collections.unmodifiableMap(byName);
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** The configuration from the system properties, logged; null if {@value Failpoints#PROPERTY} is unset or blank. */
  static ProductionFailpoints fromSystemProperties() {
    String spec = System.getProperty(Failpoints.PROPERTY);
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String seedText = System.getProperty(Failpoints.SEED_PROPERTY);
    long seed;
    if (seedText == null || seedText.isBlank()) {
      seed = new java.security.SecureRandom().nextLong();
    } else {
      try {
        seed = Long.parseLong(seedText.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-D" + Failpoints.SEED_PROPERTY + " must be a long, got \"" + seedText
            + "\"", e);
      }
    }
    ProductionFailpoints p = new ProductionFailpoints(parse(spec), seed);
    System.getLogger("io.weft").log(System.Logger.Level.WARNING, "Weft: failpoints are on (-D" + Failpoints.PROPERTY
        + "=\"" + p + "\"), seed " + seed + " (-D" + Failpoints.SEED_PROPERTY + "=" + seed
        + " draws the same decisions for evaluations in the same order)");
    return p;
  }

  /**
   * Reads {@code name=actions;name=actions}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and what was expected
   */
  static List<Failpoint> parse(String spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    java.util.ArrayList<Failpoint> out = new java.util.ArrayList<>();
    for (String rule : spec.split(";")) {
      if (rule.isBlank()) {
        continue;
      }
      int eq = rule.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("-D" + Failpoints.PROPERTY + " is name=actions;name=actions (e.g."
            + " \"db.commit=10%throw(java.io.IOException)\"), got \"" + rule.strip() + "\"");
      }
      out.add(Failpoint.parse(rule.substring(0, eq).strip(), rule.substring(eq + 1)));
    }
    return out;
  }

  long seed() {
    return seed;
  }

  /** Evaluates {@code name}; returns true if it fired a return. */
  boolean evaluate(String name, boolean canReturn) {
    Failpoint point = points.get(name);
    if (point == null) {
      return false;
    }
    double u;
    synchronized (random) {
      u = random.nextDouble();
    }
    List<Failpoint.Action> actions = point.actions();
    AtomicIntegerArray counts = fired.get(name);
    double acc = 0;
    for (int i = 0; i < actions.size(); i++) {
      Failpoint.Action a = actions.get(i);
      if (a.count() > 0 && counts.get(i) >= a.count()) {
        continue; // spent: its share goes to no fault
      }
      acc += a.probability();
      if (u < acc) {
        if (a.count() > 0 && counts.getAndIncrement(i) >= a.count()) {
          return false; // another thread took the last one
        }
        System.Logger log = System.getLogger("io.weft");
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
          log.log(System.Logger.Level.DEBUG, "Weft: " + Failpoints.describe(point, a));
        }
        return Failpoints.perform(point, a, canReturn, false);
      }
    }
    return false;
  }

  /** The configuration's printable form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Failpoint p : points.values()) {
      if (!sb.isEmpty()) {
        sb.append(';');
      }
      sb.append(p.name()).append('=').append(p.actionsText());
    }
    return sb.toString();
  }
}
