package io.weft.fault;

import java.util.Locale;

/** Durations in a fault plan's printable form ({@code 250us}, {@code 2ms}, {@code 1.5s}), and the normal quantile. */
final class Durations {

  private Durations() {}

  /** Parses a duration with a unit: ns, us, ms or s; a number, at least 0. */
  static long parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit;
    String number;
    if (t.endsWith("ns")) {
      unit = 1;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("us")) {
      unit = 1_000;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("ms")) {
      unit = 1_000_000;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1_000_000_000;
      number = t.substring(0, t.length() - 1);
    } else {
      throw new IllegalArgumentException("a duration needs a unit (ns, us, ms or s), got \"" + text.strip() + "\"");
    }
    double value;
    try {
      value = Double.parseDouble(number.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: \"" + text.strip() + "\"", e);
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("a duration must be a number of at least 0, got \"" + text.strip() + "\"");
    }
    return Math.round(value * unit);
  }

  /** Formats nanoseconds in the largest unit that keeps it exact ({@code 2ms}, {@code 1500us}, {@code 7ns}). */
  static String format(long nanos) {
    if (nanos == 0) {
      return "0ms";
    }
    if (nanos != 0 && nanos % 1_000_000_000 == 0) {
      return nanos / 1_000_000_000 + "s";
    }
    if (nanos != 0 && nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    if (nanos != 0 && nanos % 1_000 == 0) {
      return nanos / 1_000 + "us";
    }
    return nanos + "ns";
  }

  /** Milliseconds with three decimals, for reports. */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  /**
   * The standard normal's quantile at {@code p} in (0, 1): Acklam's rational approximation (relative error below
   * 1.2e-9), pure arithmetic, so every JVM computes the same value.
   */
  static double probit(double p) {
    final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = StrictMath.sqrt(-2 * StrictMath.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      double q = StrictMath.sqrt(-2 * StrictMath.log1p(-p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
