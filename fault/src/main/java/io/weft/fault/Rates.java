package io.weft.fault;

import java.util.Locale;

/** Bandwidths in a fault plan's printable form: {@code 500B/s}, {@code 100KB/s} (1,000 bytes), {@code 2MiB/s}. */
final class Rates {

  private Rates() {}

  private static final String[] UNITS = {"GiB/s", "MiB/s", "KiB/s", "GB/s", "MB/s", "KB/s", "B/s"};
  private static final long[] FACTORS = {1L << 30, 1L << 20, 1L << 10, 1_000_000_000L, 1_000_000L, 1_000L, 1L};

  /** Parses a rate with a unit; more than 0. */
  static long parse(String text) {
    String t = text.strip();
    for (int i = 0; i < UNITS.length; i++) {
      if (t.toUpperCase(Locale.ROOT).endsWith(UNITS[i].toUpperCase(Locale.ROOT))) {
        String number = t.substring(0, t.length() - UNITS[i].length()).strip();
        double v;
        try {
          v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a bandwidth: \"" + t + "\"", e);
        }
        long bytes = Math.round(v * FACTORS[i]);
        if (!(v > 0) || bytes <= 0) {
          throw new IllegalArgumentException("a bandwidth must be more than 0, got \"" + t + "\"");
        }
        return bytes;
      }
    }
    throw new IllegalArgumentException("a bandwidth needs a unit (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s), got \""
        + t + "\"");
  }

  /** Formats bytes per second in the largest unit that keeps it exact. */
  static String format(long bytesPerSecond) {
    for (int i = 0; i < UNITS.length; i++) {
      if (bytesPerSecond % FACTORS[i] == 0) {
        return bytesPerSecond / FACTORS[i] + UNITS[i];
      }
    }
    return bytesPerSecond + "B/s";
  }
}
