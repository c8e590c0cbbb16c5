package io.weft.sim;

import io.weft.Api;
import java.util.Arrays;
import java.util.Objects;

/**
 * A schedule is data: what a simulated run does wherever asyncio leaves the order open, given as the strategy that
 * chooses, its seed, the mode, the jitter bounds, and (for a replay) the choices themselves.
 *
 * <p>Its printable form is one line, {@code weft:1:MODE:STRATEGY:SEED:EARLY:LATE[:CHOICES[:WORLD]]}: the format version,
 * {@link Mode}, the strategy ({@code FIFO}, {@code RANDOM}, {@code PCT3}, {@code PCT3_57} (PCT with its horizon),
 * {@code POS}, or {@code REPLAY}; see {@link SchedulingStrategy}), the seed
 * in hexadecimal, the early and late bounds in nanoseconds, and for {@code REPLAY} the choices. Choices are written
 * in base 36 separated by dots, a run of equal values as {@code value_count}, trailing zeros dropped (a replay
 * chooses 0 once its choices run out): {@code 0_2s.1.0_9.3}. A {@code REPLAY} of no choices (asyncio's own order) has
 * no choices field: {@code weft:1:FAITHFUL:REPLAY:0:1000000:1000000}; the older form with an empty field after a last
 * {@code :} is still read. The form uses only letters, digits, {@code :},
 * {@code .} and {@code _}, so it can be pasted unquoted into bash and zsh. A replay of a run that had a child
 * process also carries, after the choices (which may then be empty), what the run observed of the world: how the
 * child's output was taken (see {@link #world()}), written the same way. {@link #parse} reads it back, and also
 * reads the older {@code value*count} runs; {@code toString()} writes it. For reports, {@link #abbreviated} shortens
 * a long one.
 *
 * @param mode the fidelity mode
 * @param strategy the strategy's name: {@code FIFO}, {@code RANDOM}, {@code PCT<d>}, {@code PCT<d>_<k>}, {@code POS}
 *     or {@code REPLAY}; never a series' name ({@code PCT}, {@code PORTFOLIO}: see {@link ScheduleSeries})
 * @param seed the seed of the strategy and of {@link Simulation#random()}
 * @param earlyBoundNanos the most virtual time a busy iteration may take ({@link Decision#EARLY}); 0 turns it off
 * @param lateBoundNanos the most an idle loop may wake late for a timer ({@link Decision#LATE}); 0 turns it off
 * @param choices for {@code REPLAY}, the choices in order; empty otherwise
 * @param world for {@code REPLAY}, the observations of the world the recorded run made, in order, as pairs (the
 *     stream: which child, 1, 2, ... in order of creation; the value: which pipe or event, or how many bytes, from 1);
 *     empty otherwise. They are not choices: a shrinker leaves them alone, and a replay takes each child's pieces from
 *     its own stream in order, whatever the choices; a stream that runs out (or a 0) observes the world afresh
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record Schedule(Mode mode, String strategy, long seed, long earlyBoundNanos, long lateBoundNanos,
    int[] choices, int[] world) {

  /** The version of the printable form this class writes. */
  public static final int FORMAT_VERSION = 1;

  /** The default early bound: 1 ms. */
  public static final long DEFAULT_EARLY_NANOS = 1_000_000L;
  /** The default late bound: 1 ms. */
  public static final long DEFAULT_LATE_NANOS = 1_000_000L;

  // Separates a value from its repeat count; not a base-36 digit, not the choice separator, and inert in shells.
  private static final char RUN = '_';
  // The separator of format 1 before 0.3: a glob character in zsh; still read.
  private static final char OLD_RUN = '*';

  /** Checks the fields and copies the choices. */
  public Schedule {
    Objects.requireNonNull(mode, "mode must not be null");
    Objects.requireNonNull(strategy, "strategy must not be null");
    Objects.requireNonNull(choices, "choices must not be null");
    Objects.requireNonNull(world, "world must not be null");
    SchedulingStrategy.checkName(strategy);
    if (earlyBoundNanos < 0 || lateBoundNanos < 0) {
      throw new IllegalArgumentException("bounds must be >= 0, got early=" + earlyBoundNanos + " late="
          + lateBoundNanos);
    }
    if (!strategy.equals("REPLAY") && (choices.length > 0 || world.length > 0)) {
      throw new IllegalArgumentException("only a REPLAY schedule carries choices and observations, not " + strategy);
    }
    if (world.length % 2 != 0) {
      throw new IllegalArgumentException("observations come in pairs (stream, value), got " + world.length
          + " numbers");
    }
    for (int w : world) {
      if (w < 0) {
        throw new IllegalArgumentException("observations must be >= 0, got " + w);
      }
    }
    for (int c : choices) {
      if (c < 0) {
        throw new IllegalArgumentException("choices must be >= 0, got " + c);
      }
    }
    choices = trimTrailingZeros(choices);
    world = world.clone();
  }

  /** A schedule with no observations of the world (any but a replay of a run that had a child process). */
  public Schedule(Mode mode, String strategy, long seed, long earlyBoundNanos, long lateBoundNanos, int[] choices) {
    this(mode, strategy, seed, earlyBoundNanos, lateBoundNanos, choices, new int[0]);
  }

  /** A schedule of {@code strategy} from {@code seed} in {@code mode}, with the default bounds. */
  public static Schedule of(Mode mode, String strategy, long seed) {
    return new Schedule(mode, strategy, seed, DEFAULT_EARLY_NANOS, DEFAULT_LATE_NANOS, new int[0]);
  }

  /** asyncio's own order: FIFO, no jitter, in faithful mode. */
  public static Schedule fifo() {
    return of(Mode.FAITHFUL, "FIFO", 0);
  }

  /** The replay of {@code choices}, keeping this schedule's mode, seed, bounds and observations of the world. */
  public Schedule replaying(int[] choices) {
    return new Schedule(mode, "REPLAY", seed, earlyBoundNanos, lateBoundNanos, choices, world);
  }

  /** The replay of {@code choices} and the observations {@code world}, keeping this schedule's mode, seed, bounds. */
  public Schedule replaying(int[] choices, int[] world) {
    return new Schedule(mode, "REPLAY", seed, earlyBoundNanos, lateBoundNanos, choices, world);
  }

  /** The same schedule in another mode. */
  public Schedule withMode(Mode mode) {
    return new Schedule(mode, strategy, seed, earlyBoundNanos, lateBoundNanos, choices, world);
  }

  /** The same schedule with other jitter bounds. */
  public Schedule withBounds(long earlyBoundNanos, long lateBoundNanos) {
    return new Schedule(mode, strategy, seed, earlyBoundNanos, lateBoundNanos, choices, world);
  }

  /** The choices, copied. */
  @Override
  public int[] choices() {
    return choices.clone();
  }

  /** The observations of the world, copied: pairs of (stream, value); see the class comment. */
  @Override
  public int[] world() {
    return world.clone();
  }

  /** How many choices differ from 0 (from asyncio's order), the measure shrinking minimizes first. */
  public int deviations() {
    int n = 0;
    for (int c : choices) {
      if (c != 0) {
        n++;
      }
    }
    return n;
  }

  /** Creates the strategy this schedule names. */
  public SchedulingStrategy newStrategy() {
    return SchedulingStrategy.create(strategy, seed, choices);
  }

  /**
   * Reads the printable form.
   *
   * @throws IllegalArgumentException naming the text and what was expected, if it is not one
   */
  public static Schedule parse(String text) {
    Objects.requireNonNull(text, "text must not be null");
    String[] p = text.trim().split(":", -1);
    if (p.length < 7 || p.length > 9 || !p[0].equals("weft")) {
      throw new IllegalArgumentException("not a Weft schedule: '" + text
          + "'; expected weft:1:MODE:STRATEGY:SEED:EARLY:LATE[:CHOICES[:WORLD]]");
    }
    if (!p[1].equals(String.valueOf(FORMAT_VERSION))) {
      throw new IllegalArgumentException("schedule '" + text + "' has format version " + p[1] + "; this Weft reads "
          + FORMAT_VERSION);
    }
    if (p.length >= 8 && p[7].startsWith("<")) {
      throw new IllegalArgumentException("schedule '" + text + "' is abbreviated (its choices are summarized, not"
          + " listed): replay the full schedule, from the report's replay line or the trace file's '# schedule' line");
    }
    try {
      Mode mode = parseMode(p[2]);
      long seed = Long.parseUnsignedLong(p[4], 16);
      long early = Long.parseLong(p[5]);
      long late = Long.parseLong(p[6]);
      int[] choices = p.length >= 8 ? decodeChoices(p[7]) : new int[0];
      int[] world = p.length == 9 ? decodeChoices(p[8]) : new int[0];
      return new Schedule(mode, p[3], seed, early, late, choices, world);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read schedule '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Reads a mode by name, naming the accepted ones if it is not one. */
  static Mode parseMode(String text) {
    for (Mode m : Mode.values()) {
      if (m.name().equals(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + text + "'; expected FAITHFUL or CHAOS");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("weft:").append(FORMAT_VERSION).append(':').append(mode).append(':')
        .append(strategy).append(':').append(Long.toHexString(seed)).append(':').append(earlyBoundNanos).append(':')
        .append(lateBoundNanos);
    if (choices.length > 0 || world.length > 0) { // only a REPLAY has them; a REPLAY of none prints no empty field
      sb.append(':').append(encodeChoices(choices));
    }
    if (world.length > 0) {
      sb.append(':').append(encodeChoices(world));
    }
    return sb.toString();
  }

  /**
   * The printable form if it has at most {@code maxChars} characters; otherwise, for reports, the same up to the
   * choices and a summary of them instead: {@code weft:1:FAITHFUL:REPLAY:63cb:1000000:1000000:<4,211 choices, 37
   * deviations, sha 1a2b3c4d>}. The summary cannot be parsed: print the full form where it must replay (a trace file).
   *
   * @throws IllegalArgumentException if {@code maxChars} is negative
   */
  public String abbreviated(int maxChars) {
    if (maxChars < 0) {
      throw new IllegalArgumentException("maxChars must be >= 0, got " + maxChars);
    }
    String full = toString();
    if (full.length() <= maxChars || (choices.length == 0 && world.length == 0)) {
      return full;
    }
    String head = new Schedule(mode, strategy, seed, earlyBoundNanos, lateBoundNanos, new int[0]) + ":";
    return head + String.format(java.util.Locale.ROOT, "<%,d choices, %,d deviations, sha %s%s>", choices.length,
        deviations(), choicesHash(), world.length == 0 ? ""
            : String.format(java.util.Locale.ROOT, ", %,d observations", world.length / 2));
  }

  /**
   * A short hash of the choices: the first 8 hexadecimal digits of the SHA-256 of the choices (trailing zeros
   * dropped) as big-endian 32-bit integers. It depends on the choices only, not on how they are printed, so it is
   * the same in every Weft version; two schedules with equal choices have equal hashes.
   */
  public String choicesHash() {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * choices.length);
      for (int c : choices) {
        buf.putInt(c);
      }
      md.update(buf.array());
      return java.util.HexFormat.of().formatHex(md.digest(), 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s && s.mode == mode && s.strategy.equals(strategy) && s.seed == seed
        && s.earlyBoundNanos == earlyBoundNanos && s.lateBoundNanos == lateBoundNanos
        && Arrays.equals(s.choices, choices) && Arrays.equals(s.world, world);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, strategy, seed, earlyBoundNanos, lateBoundNanos, Arrays.hashCode(choices),
        Arrays.hashCode(world));
  }

  /** Writes choices in the printable form's notation (trailing zeros dropped). */
  static String encodeChoices(int[] choices) {
    int[] c = trimTrailingZeros(choices);
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < c.length) {
      int j = i;
      while (j < c.length && c[j] == c[i]) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(Integer.toString(c[i], 36));
      if (j - i > 1) {
        sb.append(RUN).append(Integer.toString(j - i, 36));
      }
      i = j;
    }
    return sb.toString();
  }

  static int[] decodeChoices(String text) {
    if (text.isEmpty()) {
      return new int[0];
    }
    int[] out = new int[16];
    int n = 0;
    for (String tok : text.split("\\.", -1)) {
      int star = tok.indexOf(RUN);
      if (star < 0) {
        star = tok.indexOf(OLD_RUN);
      }
      int value;
      int count;
      try {
        value = Integer.parseInt(star < 0 ? tok : tok.substring(0, star), 36);
        count = star < 0 ? 1 : Integer.parseInt(tok.substring(star + 1), 36);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad choice '" + tok + "' (expected base-36 value[_count])", e);
      }
      if (value < 0 || count < 1 || (long) n + count > 50_000_000L) {
        throw new IllegalArgumentException("bad choice '" + tok + "' (value >= 0, count >= 1, at most 50M choices)");
      }
      while (n + count > out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      Arrays.fill(out, n, n + count, value);
      n += count;
    }
    return Arrays.copyOf(out, n);
  }

  private static int[] trimTrailingZeros(int[] c) {
    int n = c.length;
    while (n > 0 && c[n - 1] == 0) {
      n--;
    }
    return n == c.length ? c.clone() : Arrays.copyOf(c, n);
  }
}
