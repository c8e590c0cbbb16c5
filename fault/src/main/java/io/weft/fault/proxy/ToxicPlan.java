package io.weft.fault.proxy;

import io.weft.Api;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The toxics of a {@link FaultProxy}, per direction: immutable data with a printable form in the vocabulary of
 * {@link io.weft.fault.FaultPlan}.
 *
 * <p>The printable form is {@code direction: toxic, toxic; direction: toxic}, each direction {@code upstream}
 * (client to server) or {@code downstream} (server to client), each toxic {@code name=value} with an optional
 * {@code @P%} toxicity ({@link Toxic}), e.g.
 * {@code "downstream: latency=uniform(1ms,10ms), bandwidth=100KB/s, slicer=64B/16B/1ms;
 * upstream: reset_peer=500ms @10%"}.
 * An empty text or {@code none} is no toxic. {@link #parse} reads it, {@link #toString} writes it back
 * ({@code parse(p.toString())} equals {@code p}).
 *
 * <p>A direction holds at most one toxic of each name: adding one replaces the one of the same name, in place. They
 * act in a fixed order whatever the order listed: {@code timeout}, {@code reset_peer}, {@code limit_data}, then
 * {@code latency}, {@code slicer}, {@code bandwidth}, and {@code slow_close} at the end of stream.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class ToxicPlan {

  /** No toxic. */
  public static final ToxicPlan NONE = new ToxicPlan(new EnumMap<>(Direction.class));

  // Invariant: each list holds at most one toxic per name; a direction without toxics has no entry.
  private final Map<Direction, List<Toxic>> toxics;

  private ToxicPlan(Map<Direction, List<Toxic>> toxics) {
    EnumMap<Direction, List<Toxic>> copy = new EnumMap<>(Direction.class);
    toxics.forEach((d, list) -> {
      if (!list.isEmpty()) {
        copy.put(d, List.copyOf(list));
      }
    });
    this.toxics = copy;
  }

  /** Returns the toxics of {@code direction}, in order; never null. */
  public List<Toxic> toxics(Direction direction) {
    return toxics.getOrDefault(Objects.requireNonNull(direction, "direction must not be null"), List.of());
  }

  /** Returns whether there is no toxic in either direction. */
  public boolean isEmpty() {
    return toxics.isEmpty();
  }

  /** Returns this plan with {@code toxic} on {@code direction}, replacing the one of the same name if any. */
  public ToxicPlan with(Direction direction, Toxic toxic) {
    Objects.requireNonNull(direction, "direction must not be null");
    Objects.requireNonNull(toxic, "toxic must not be null");
    List<Toxic> list = new ArrayList<>(toxics(direction));
    int i = indexOf(list, toxic.name());
    if (i >= 0) {
      list.set(i, toxic);
    } else {
      list.add(toxic);
    }
    EnumMap<Direction, List<Toxic>> next = new EnumMap<>(toxics);
    next.put(direction, list);
    return new ToxicPlan(next);
  }

  /**
   * Returns this plan without the toxic named {@code name} on {@code direction}.
   *
   * @throws IllegalArgumentException naming the toxic and the direction's toxics if there is none of that name
   */
  public ToxicPlan without(Direction direction, String name) {
    Objects.requireNonNull(direction, "direction must not be null");
    Objects.requireNonNull(name, "name must not be null");
    List<Toxic> list = new ArrayList<>(toxics(direction));
    int i = indexOf(list, name);
    if (i < 0) {
      throw new IllegalArgumentException("no toxic named \"" + name + "\" on " + direction.label() + ", which has "
          + (list.isEmpty() ? "none" : list));
    }
    list.remove(i);
    EnumMap<Direction, List<Toxic>> next = new EnumMap<>(toxics);
    next.put(direction, list);
    return new ToxicPlan(next);
  }

  private static int indexOf(List<Toxic> list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads the printable form (see the type's Javadoc).
   *
   * @throws IllegalArgumentException naming the part that is wrong and what was expected, e.g. an unknown direction
   *     or toxic, a value without its unit, a toxic given twice on one direction
   */
  public static ToxicPlan parse(String text) {
    Objects.requireNonNull(text, "text must not be null");
    String t = text.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("none")) {
      return NONE;
    }
    ToxicPlan plan = NONE;
    for (String part : t.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("toxics are \"direction: toxic, toxic\" (e.g. \"downstream: latency=5ms\"),"
            + " got \"" + part.strip() + "\"");
      }
      Direction direction = Direction.parse(part.substring(0, colon));
      for (String toxicText : splitTopLevel(part.substring(colon + 1))) {
        if (toxicText.isBlank()) {
          throw new IllegalArgumentException("an empty toxic in \"" + part.strip() + "\"");
        }
        Toxic toxic = Toxic.parse(toxicText);
        if (indexOf(plan.toxics(direction), toxic.name()) >= 0) {
          throw new IllegalArgumentException(toxic.name() + " is given twice on " + direction.label() + " in \""
              + t + "\"; a direction holds one toxic of each name");
        }
        plan = plan.with(direction, toxic);
      }
    }
    return plan;
  }

  /** Splits on commas outside parentheses. */
  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  /** The printable form, which {@link #parse} reads back; {@code none} for no toxic. */
  @Override
  public String toString() {
    if (toxics.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    toxics.forEach((d, list) -> {
      if (!sb.isEmpty()) {
        sb.append("; ");
      }
      sb.append(d.label()).append(": ");
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(list.get(i));
      }
    });
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ToxicPlan p && p.toxics.equals(toxics);
  }

  @Override
  public int hashCode() {
    return toxics.hashCode();
  }
}
