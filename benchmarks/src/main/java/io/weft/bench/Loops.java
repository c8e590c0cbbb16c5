package io.weft.bench;

import io.weft.EventLoop;

/** Creates the production loops the benchmarks run on, by carrier name. */
final class Loops {

  private Loops() {}

  /**
   * Returns the carrier for a benchmark's {@code carrier} parameter.
   *
   * @param carrier {@code loop} (the loop-scheduled carrier), {@code baton} (the fallback carrier) or
   *     {@code continuation} (experimental; needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED})
   */
  static EventLoop.CarrierChoice carrier(String carrier) {
    return switch (carrier) {
      case "loop" -> EventLoop.CarrierChoice.LOOP_SCHEDULED;
      case "baton" -> EventLoop.CarrierChoice.BATON;
      case "continuation" -> EventLoop.CarrierChoice.CONTINUATION;
      default -> throw new IllegalArgumentException(
          "carrier must be 'loop', 'baton' or 'continuation', got '" + carrier + "'");
    };
  }

  /**
   * Creates a production loop (system clock, NIO poller, debug off) on the named carrier, and checks that the loop
   * really uses it (a benchmark that silently fell back to another carrier would report the wrong numbers).
   */
  static EventLoop create(String carrier) {
    EventLoop loop = EventLoop.builder().carrier(carrier(carrier)).debug(false).build();
    if (!loop.carrierName().equals(carrier)) {
      loop.close();
      throw new IllegalStateException("asked for carrier " + carrier + ", got " + loop.carrierName());
    }
    return loop;
  }

  /** Throws if {@code actual != expected}: the benchmarks check that they did all their work. */
  static void check(String what, long expected, long actual) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
    }
  }
}
