package io.weft.fault.proxy;

import java.util.Locale;

/**
 * The values of a toxic's printable form: durations ({@code 250us}, {@code 2ms}, {@code 1.5s}), sizes ({@code 64B},
 * {@code 16KB}, {@code 1MiB}), rates ({@code 100KB/s}) and probabilities ({@code 10%}, {@code 0.1}); parsed and
 * formatted so that {@code parse(format(x)) == x}.
 *
 * <p>KB and MB are 1000 and 1,000,000 bytes (Toxiproxy's {@code bandwidth} is in such KB/s); KiB and MiB are 1024
 * and 1,048,576.
 */
final class ProxyValues {

  /** The toxics' names, for errors. */
  static final String NAMES = "latency, bandwidth, slicer, limit_data, slow_close, timeout or reset_peer";

  private ProxyValues() {}

  /** Parses a duration with a unit (ns, us, ms or s), at least 0; {@code what} names the value in errors. */
  static long duration(String what, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit;
    int cut;
    if (t.endsWith("ns")) {
      unit = 1;
      cut = 2;
    } else if (t.endsWith("us")) {
      unit = 1_000;
      cut = 2;
    } else if (t.endsWith("ms")) {
      unit = 1_000_000;
      cut = 2;
    } else if (t.endsWith("s")) {
      unit = 1_000_000_000;
      cut = 1;
    } else {
      throw new IllegalArgumentException(what + " is a duration with a unit (ns, us, ms or s, e.g. \"250ms\"), got \""
          + text.strip() + "\"");
    }
    return Math.round(number(what, text, t.substring(0, t.length() - cut)) * unit);
  }

  /** Parses a size in bytes with a unit (B, KB, MB, GB, KiB, MiB, GiB), at least 0. */
  static long size(String what, String text) {
    String t = text.strip();
    String lower = t.toLowerCase(Locale.ROOT);
    long unit;
    int cut;
    if (lower.endsWith("kib")) {
      unit = 1024;
      cut = 3;
    } else if (lower.endsWith("mib")) {
      unit = 1024 * 1024;
      cut = 3;
    } else if (lower.endsWith("gib")) {
      unit = 1L << 30;
      cut = 3;
    } else if (lower.endsWith("kb")) {
      unit = 1000;
      cut = 2;
    } else if (lower.endsWith("mb")) {
      unit = 1_000_000;
      cut = 2;
    } else if (lower.endsWith("gb")) {
      unit = 1_000_000_000;
      cut = 2;
    } else if (lower.endsWith("b")) {
      unit = 1;
      cut = 1;
    } else {
      throw new IllegalArgumentException(what + " is a size with a unit (B, KB, MB, GB, KiB, MiB or GiB, e.g."
          + " \"64B\"), got \"" + t + "\"");
    }
    double bytes = number(what, text, lower.substring(0, lower.length() - cut)) * unit;
    if (bytes != Math.rint(bytes)) {
      throw new IllegalArgumentException(what + " must be a whole number of bytes, got \"" + t + "\"");
    }
    return (long) bytes;
  }

  /** Parses a rate in bytes per second: a size followed by {@code /s} ({@code 100KB/s}), more than 0. */
  static long rate(String what, String text) {
    String t = text.strip();
    if (!t.toLowerCase(Locale.ROOT).endsWith("/s")) {
      throw new IllegalArgumentException(what + " is a rate such as \"100KB/s\" (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s,"
          + " GiB/s), got \""
          + t + "\"");
    }
    long bytesPerSecond = size(what, t.substring(0, t.length() - 2));
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException(what + " must be more than 0 bytes per second, got \"" + t + "\"");
    }
    return bytesPerSecond;
  }

  /** Parses a probability, {@code 10%} or {@code 0.1}, in 0-1. */
  static double probability(String what, String text) {
    String v = text.strip();
    double p;
    try {
      p = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1).strip()) / 100 : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is a probability (\"10%\" or \"0.1\"), got \"" + v + "\"", e);
    }
    checkProbability(what, p);
    return p;
  }

  /** Throws unless {@code p} is in 0-1. */
  static void checkProbability(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be a probability in 0-1 (0%-100%), got " + p);
    }
  }

  private static double number(String what, String whole, String number) {
    double value;
    try {
      value = Double.parseDouble(number.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": not a number in \"" + whole.strip() + "\"", e);
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number of at least 0, got \"" + whole.strip()
          + "\"");
    }
    return value;
  }

  /** Formats nanoseconds in the largest unit that keeps it exact ({@code 2ms}, {@code 1500us}, {@code 7ns}). */
  static String duration(long nanos) {
    if (nanos == 0) {
      return "0ms";
    }
    if (nanos % 1_000_000_000 == 0) {
      return nanos / 1_000_000_000 + "s";
    }
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    if (nanos % 1_000 == 0) {
      return nanos / 1_000 + "us";
    }
    return nanos + "ns";
  }

  /** Formats a size in the largest unit that keeps it exact ({@code 64B}, {@code 16KiB}, {@code 100KB}). */
  static String size(long bytes) {
    if (bytes != 0 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + "MiB";
    }
    if (bytes != 0 && bytes % 1_000_000 == 0) {
      return bytes / 1_000_000 + "MB";
    }
    if (bytes != 0 && bytes % 1024 == 0) {
      return bytes / 1024 + "KiB";
    }
    if (bytes != 0 && bytes % 1000 == 0) {
      return bytes / 1000 + "KB";
    }
    return bytes + "B";
  }

  /** Formats a probability as a percentage ({@code 10%}, {@code 0.5%}). */
  static String percent(double p) {
    return String.format(Locale.ROOT, "%.4g%%", p * 100).replaceAll("\\.?0+%$", "%");
  }
}
