package io.weft.fault;

import io.weft.Api;
import java.util.Locale;
import java.util.Objects;

/**
 * A distribution of the extra time a delivery takes, added to the simulated link's own latency.
 *
 * <p>A simulation cannot draw from a continuous distribution and still shrink and replay a choice, so each
 * distribution is cut into {@value #BUCKETS} equally likely buckets, represented by the quantiles
 * {@code (i + 0.5) / 8}: the strategy chooses a bucket. Bucket 0, the fastest, is the "no fault" alternative a
 * shrunk schedule falls back to; a fixed latency has one value and asks nothing.
 *
 * <p>Printable forms (durations with a unit: {@code ns}, {@code us}, {@code ms}, {@code s}): {@code fixed(2ms)},
 * {@code uniform(1ms,10ms)}, {@code normal(5ms,1ms)} (mean, standard deviation; cut at 0),
 * {@code exponential(3ms)} (mean), {@code tail(2ms,80ms)} (a heavy tail: log-normal with that median and p99).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public sealed interface Latency {

  /** How many buckets a distribution is cut into. */
  int BUCKETS = 8;

  /** The quantile of bucket {@code i}: {@code (i + 0.5) / BUCKETS}. */
  static double quantileOf(int bucket) {
    return (bucket + 0.5) / BUCKETS;
  }

  /** The delay at quantile {@code q} in (0, 1), in nanoseconds, never negative. */
  long nanosAt(double q);

  /** Whether the distribution has a single value, so no choice is asked. */
  default boolean isFixed() {
    return false;
  }

  /** A constant extra delay. */
  static Latency fixed(long nanos) {
    return new Fixed(nanos);
  }

  /** Uniform between {@code minNanos} and {@code maxNanos}. */
  static Latency uniform(long minNanos, long maxNanos) {
    return new Uniform(minNanos, maxNanos);
  }

  /** Normal with that mean and standard deviation, cut at 0. */
  static Latency normal(long meanNanos, long stddevNanos) {
    return new Normal(meanNanos, stddevNanos);
  }

  /** Exponential with that mean. */
  static Latency exponential(long meanNanos) {
    return new Exponential(meanNanos);
  }

  /** A heavy tail: log-normal with median {@code p50Nanos} and 99th percentile {@code p99Nanos}. */
  static Latency tail(long p50Nanos, long p99Nanos) {
    return new Tail(p50Nanos, p99Nanos);
  }

  /** A constant. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Fixed(long nanos) implements Latency {
    /** Checks the value. */
    public Fixed {
      requireNonNegative("fixed latency", nanos);
    }

    @Override
    public long nanosAt(double q) {
      return nanos;
    }

    @Override
    public boolean isFixed() {
      return true;
    }

    @Override
    public String toString() {
      return "fixed(" + Durations.format(nanos) + ")";
    }
  }

  /** Uniform between two bounds. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Uniform(long minNanos, long maxNanos) implements Latency {
    /** Checks the bounds. */
    public Uniform {
      requireNonNegative("uniform latency's minimum", minNanos);
      if (maxNanos < minNanos) {
        throw new IllegalArgumentException("uniform latency needs min <= max, got uniform(" + Durations.format(minNanos)
            + "," + Durations.format(maxNanos) + ")");
      }
    }

    @Override
    public long nanosAt(double q) {
      return minNanos + Math.round((maxNanos - minNanos) * q);
    }

    @Override
    public boolean isFixed() {
      return minNanos == maxNanos;
    }

    @Override
    public String toString() {
      return "uniform(" + Durations.format(minNanos) + "," + Durations.format(maxNanos) + ")";
    }
  }

  /** Normal, cut at 0. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Normal(long meanNanos, long stddevNanos) implements Latency {
    /** Checks the parameters. */
    public Normal {
      requireNonNegative("normal latency's mean", meanNanos);
      requireNonNegative("normal latency's standard deviation", stddevNanos);
    }

    @Override
    public long nanosAt(double q) {
      return Math.max(0, Math.round(meanNanos + stddevNanos * Durations.probit(q)));
    }

    @Override
    public boolean isFixed() {
      return stddevNanos == 0;
    }

    @Override
    public String toString() {
      return "normal(" + Durations.format(meanNanos) + "," + Durations.format(stddevNanos) + ")";
    }
  }

  /** Exponential. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Exponential(long meanNanos) implements Latency {
    /** Checks the mean. */
    public Exponential {
      requireNonNegative("exponential latency's mean", meanNanos);
    }

    @Override
    public long nanosAt(double q) {
      return Math.round(-meanNanos * StrictMath.log1p(-q));
    }

    @Override
    public boolean isFixed() {
      return meanNanos == 0;
    }

    @Override
    public String toString() {
      return "exponential(" + Durations.format(meanNanos) + ")";
    }
  }

  /** Log-normal fitted to a median and a 99th percentile: most deliveries near the median, a few far out. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Tail(long p50Nanos, long p99Nanos) implements Latency {
    /** z of the 99th percentile of the standard normal. */
    private static final double Z99 = 2.326347874040841;

    /** Checks the parameters. */
    public Tail {
      if (p50Nanos <= 0) {
        throw new IllegalArgumentException("tail latency's median must be positive, got " + Durations.format(p50Nanos));
      }
      if (p99Nanos < p50Nanos) {
        throw new IllegalArgumentException("tail latency needs p50 <= p99, got tail(" + Durations.format(p50Nanos) + ","
            + Durations.format(p99Nanos) + ")");
      }
    }

    @Override
    public long nanosAt(double q) {
      double sigma = StrictMath.log((double) p99Nanos / p50Nanos) / Z99;
      return Math.round(p50Nanos * StrictMath.exp(sigma * Durations.probit(q)));
    }

    @Override
    public boolean isFixed() {
      return p50Nanos == p99Nanos;
    }

    @Override
    public String toString() {
      return "tail(" + Durations.format(p50Nanos) + "," + Durations.format(p99Nanos) + ")";
    }
  }

  private static void requireNonNegative(String what, long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + nanos + " ns");
    }
  }

  /** Parses a printable form; see the type's Javadoc. */
  static Latency parse(String text) {
    Objects.requireNonNull(text, "text must not be null");
    String t = text.strip().toLowerCase(Locale.ROOT);
    int open = t.indexOf('(');
    if (open < 0 || !t.endsWith(")")) {
      throw new IllegalArgumentException("a latency is fixed(D), uniform(D,D), normal(D,D), exponential(D) or"
          + " tail(D,D), got \"" + text + "\"");
    }
    String name = t.substring(0, open).strip();
    String[] args = t.substring(open + 1, t.length() - 1).split(",", -1);
    long[] v = new long[args.length];
    for (int i = 0; i < args.length; i++) {
      v[i] = Durations.parse(args[i]);
    }
    int want = switch (name) {
      case "fixed", "exponential" -> 1;
      case "uniform", "normal", "tail" -> 2;
      default -> throw new IllegalArgumentException("unknown latency distribution \"" + name + "\" in \"" + text
          + "\": expected fixed, uniform, normal, exponential or tail");
    };
    if (v.length != want) {
      throw new IllegalArgumentException(name + " takes " + want + " duration(s), got " + v.length + " in \"" + text
          + "\"");
    }
    return switch (name) {
      case "fixed" -> fixed(v[0]);
      case "exponential" -> exponential(v[0]);
      case "uniform" -> uniform(v[0], v[1]);
      case "normal" -> normal(v[0], v[1]);
      default -> tail(v[0], v[1]);
    };
  }
}
