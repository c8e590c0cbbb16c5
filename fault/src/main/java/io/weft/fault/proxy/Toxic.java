package io.weft.fault.proxy;

import io.weft.Api;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One fault a {@link FaultProxy} applies to one direction of its connections, Toxiproxy's "toxic": plain data with a
 * printable form, {@code name=value}, followed by {@code @P%} when its toxicity is below 100%.
 *
 * <p>The toxicity is the probability that the toxic applies to a connection: it is drawn once per connection (and
 * direction) from the proxy's seeded generator, when the connection opens or when the toxic is added, and logged.
 *
 * <table>
 *   <caption>The toxics, as Toxiproxy's</caption>
 *   <tr><th>form</th><th>effect</th></tr>
 *   <tr><td>{@code latency=10ms}, {@code latency=uniform(5ms,15ms)}</td><td>delays each chunk by a fixed time or a
 *       draw from an {@link io.weft.fault.Latency} distribution; chunks never overtake each other. Toxiproxy's
 *       latency L with jitter J is {@code uniform(L-J,L+J)} ({@link #latency(Duration, Duration)}).</td></tr>
 *   <tr><td>{@code bandwidth=100KB/s}</td><td>delivers at most that many bytes per second (KB = 1000 bytes, as
 *       Toxiproxy's; KiB/s and MiB/s also read).</td></tr>
 *   <tr><td>{@code slicer=64B/16B/1ms}</td><td>cuts each chunk into pieces of the average size give or take the
 *       variation (uniformly drawn), sent the delay apart.</td></tr>
 *   <tr><td>{@code limit_data=1KB}</td><td>closes the connection once that many bytes went through in this
 *       direction (the last chunk cut to the limit).</td></tr>
 *   <tr><td>{@code slow_close=500ms}</td><td>delays the end of stream (EOF) in this direction by that time.</td></tr>
 *   <tr><td>{@code timeout=2s}</td><td>drops everything in this direction, and closes the connection after the time;
 *       {@code timeout=0ms} never closes it. Removing the toxic closes the connections whose data it dropped (as
 *       Toxiproxy: the stream lost bytes).</td></tr>
 *   <tr><td>{@code reset_peer=500ms}</td><td>at the first chunk in this direction, drops it and resets both sides
 *       (TCP RST) after the time ({@code 0ms}: at once).</td></tr>
 * </table>
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public sealed interface Toxic {

  /** The toxic's name in the printable form, e.g. {@code "latency"}; never null. */
  String name();

  /** The probability in 0-1 that the toxic applies to a connection. */
  double toxicity();

  /** Returns this toxic with another toxicity. */
  Toxic withToxicity(double toxicity);

  /** The value part of the printable form, e.g. {@code "uniform(1ms,10ms)"}; never null. */
  String value();

  /** The printable form, {@code name=value} then {@code @P%} when the toxicity is below 1. */
  static String format(Toxic toxic) {
    return toxic.name() + "=" + toxic.value() + (toxic.toxicity() < 1 ? " @" + ProxyValues.percent(toxic.toxicity())
        : "");
  }

  /** Latency of {@code delay} with Toxiproxy's {@code jitter}: {@code uniform(max(0, delay-jitter), delay+jitter)}. */
  static Latency latency(Duration delay, Duration jitter) {
    long d = delay.toNanos();
    long j = jitter.toNanos();
    if (d < 0 || j < 0) {
      throw new IllegalArgumentException("latency and jitter must not be negative, got latency " + delay
          + " and jitter " + jitter);
    }
    return new Latency(j == 0 ? io.weft.fault.Latency.fixed(d)
        : io.weft.fault.Latency.uniform(Math.max(0, d - j), d + j), 1);
  }

  /** Delays each chunk by a draw from {@code distribution}. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Latency(io.weft.fault.Latency distribution, double toxicity) implements Toxic {
    /** Checks the values. */
    public Latency {
      Objects.requireNonNull(distribution, "distribution must not be null");
      ProxyValues.checkProbability("latency's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "latency";
    }

    @Override
    public String value() {
      return distribution.toString();
    }

    @Override
    public Latency withToxicity(double toxicity) {
      return new Latency(distribution, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Delivers at most {@code bytesPerSecond}. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Bandwidth(long bytesPerSecond, double toxicity) implements Toxic {
    /** Checks the values. */
    public Bandwidth {
      if (bytesPerSecond <= 0) {
        throw new IllegalArgumentException("bandwidth must be more than 0 bytes per second, got " + bytesPerSecond);
      }
      ProxyValues.checkProbability("bandwidth's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "bandwidth";
    }

    @Override
    public String value() {
      return ProxyValues.size(bytesPerSecond) + "/s";
    }

    @Override
    public Bandwidth withToxicity(double toxicity) {
      return new Bandwidth(bytesPerSecond, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Cuts chunks into pieces of {@code averageSize} ± {@code sizeVariation} bytes, {@code delayNanos} apart. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Slicer(long averageSize, long sizeVariation, long delayNanos, double toxicity) implements Toxic {
    /** Checks the values. */
    public Slicer {
      if (averageSize < 1 || sizeVariation < 0 || sizeVariation >= averageSize || delayNanos < 0) {
        throw new IllegalArgumentException("slicer needs average size >= 1B, 0 <= variation < average and a delay"
            + " >= 0, got " + averageSize + "B/" + sizeVariation + "B/" + delayNanos + "ns");
      }
      ProxyValues.checkProbability("slicer's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "slicer";
    }

    @Override
    public String value() {
      return ProxyValues.size(averageSize) + "/" + ProxyValues.size(sizeVariation) + "/"
          + ProxyValues.duration(delayNanos);
    }

    @Override
    public Slicer withToxicity(double toxicity) {
      return new Slicer(averageSize, sizeVariation, delayNanos, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Closes the connection once {@code bytes} went through in this direction. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record LimitData(long bytes, double toxicity) implements Toxic {
    /** Checks the values. */
    public LimitData {
      if (bytes < 0) {
        throw new IllegalArgumentException("limit_data must not be negative, got " + bytes + " bytes");
      }
      ProxyValues.checkProbability("limit_data's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "limit_data";
    }

    @Override
    public String value() {
      return ProxyValues.size(bytes);
    }

    @Override
    public LimitData withToxicity(double toxicity) {
      return new LimitData(bytes, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Delays the end of stream by {@code delayNanos}. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record SlowClose(long delayNanos, double toxicity) implements Toxic {
    /** Checks the values. */
    public SlowClose {
      requireNonNegative("slow_close", delayNanos);
      ProxyValues.checkProbability("slow_close's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "slow_close";
    }

    @Override
    public String value() {
      return ProxyValues.duration(delayNanos);
    }

    @Override
    public SlowClose withToxicity(double toxicity) {
      return new SlowClose(delayNanos, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Drops all data, closing the connection after {@code timeoutNanos} (0: never). */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Timeout(long timeoutNanos, double toxicity) implements Toxic {
    /** Checks the values. */
    public Timeout {
      requireNonNegative("timeout", timeoutNanos);
      ProxyValues.checkProbability("timeout's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "timeout";
    }

    @Override
    public String value() {
      return ProxyValues.duration(timeoutNanos);
    }

    @Override
    public Timeout withToxicity(double toxicity) {
      return new Timeout(timeoutNanos, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  /** Resets both sides {@code timeoutNanos} after the first chunk in this direction. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record ResetPeer(long timeoutNanos, double toxicity) implements Toxic {
    /** Checks the values. */
    public ResetPeer {
      requireNonNegative("reset_peer", timeoutNanos);
      ProxyValues.checkProbability("reset_peer's toxicity", toxicity);
    }

    @Override
    public String name() {
      return "reset_peer";
    }

    @Override
    public String value() {
      return ProxyValues.duration(timeoutNanos);
    }

    @Override
    public ResetPeer withToxicity(double toxicity) {
      return new ResetPeer(timeoutNanos, toxicity);
    }

    @Override
    public String toString() {
      return format(this);
    }
  }

  private static void requireNonNegative(String what, long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + nanos + " ns");
    }
  }

  /**
   * Reads a toxic's printable form, {@code name=value} optionally followed by {@code @P%}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and what was expected
   */
  static Toxic parse(String text) {
    Objects.requireNonNull(text, "text must not be null");
    String t = text.strip();
    double toxicity = 1;
    int at = t.lastIndexOf('@');
    if (at >= 0) {
      toxicity = ProxyValues.probability("toxicity in \"" + t + "\"", t.substring(at + 1));
      t = t.substring(0, at).strip();
    }
    int eq = t.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("a toxic is name=value (" + ProxyValues.NAMES + "), got \"" + text.strip()
          + "\"");
    }
    String name = t.substring(0, eq).strip().toLowerCase(Locale.ROOT);
    String value = t.substring(eq + 1).strip();
    return switch (name) {
      case "latency" -> new Latency(value.contains("(") ? io.weft.fault.Latency.parse(value)
          : io.weft.fault.Latency.fixed(ProxyValues.duration("latency", value)), toxicity);
      case "bandwidth" -> new Bandwidth(ProxyValues.rate("bandwidth", value), toxicity);
      case "slicer" -> {
        String[] parts = value.split("/", -1);
        if (parts.length != 3) {
          throw new IllegalArgumentException("slicer is averageSize/variation/delay (e.g. \"64B/16B/1ms\"), got \""
              + value + "\"");
        }
        yield new Slicer(ProxyValues.size("slicer's average size", parts[0]),
            ProxyValues.size("slicer's size variation", parts[1]), ProxyValues.duration("slicer's delay", parts[2]),
            toxicity);
      }
      case "limit_data" -> new LimitData(ProxyValues.size("limit_data", value), toxicity);
      case "slow_close" -> new SlowClose(ProxyValues.duration("slow_close", value), toxicity);
      case "timeout" -> new Timeout(ProxyValues.duration("timeout", value), toxicity);
      case "reset_peer" -> new ResetPeer(ProxyValues.duration("reset_peer", value), toxicity);
      default -> throw new IllegalArgumentException("unknown toxic \"" + name + "\" in \"" + text.strip()
          + "\": expected " + ProxyValues.NAMES);
    };
  }
}
