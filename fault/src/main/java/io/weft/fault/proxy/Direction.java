package io.weft.fault.proxy;

import io.weft.Api;
import java.util.Locale;

/** A direction through a {@link FaultProxy}, as Toxiproxy names them. */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum Direction {
  /** From the client to the upstream server (requests). */
  UPSTREAM,
  /** From the upstream server back to the client (responses). */
  DOWNSTREAM;

  /** The name in the printable form: {@code upstream} or {@code downstream}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@code upstream} or {@code downstream} (any case).
   *
   * @throws IllegalArgumentException naming the text otherwise
   */
  public static Direction parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "upstream" -> UPSTREAM;
      case "downstream" -> DOWNSTREAM;
      default -> throw new IllegalArgumentException("a direction is upstream or downstream, got \"" + text.strip()
          + "\"");
    };
  }
}
