package io.weft.fault;

import io.weft.Api;
import java.util.Objects;

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

  /** Every link, every direction (as {@code *->*}: a partition on it cuts one direction). */
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
