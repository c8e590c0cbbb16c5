package io.weft.sim;

import io.weft.Api;
import io.weft.internal.SimHooks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulated run did, in order: each task step, timer, other callback, clock jump and choice, and a 64-bit hash
 * of all of them. The hash is FNV-1a over each event's kind and value as little-endian longs, so it depends only on
 * the events: the same schedule gives the same hash in every run and every JVM, and {@link Simulation#selfCheck}
 * tests exactly that.
 *
 * <p>The events themselves are kept up to a limit (the hash always covers all of them) for {@link #render} and
 * {@link #write}; task steps are shown with the task's name as it was when the task first ran.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Trace {

  // The loop's event codes pass straight through SimHooks.event; the trace adds its own two.
  static final int TIMER = SimHooks.EV_TIMER;
  static final int CALLBACK = SimHooks.EV_CALLBACK;
  static final int CLOCK = SimHooks.EV_CLOCK;
  static final int STEP = 0;
  static final int CHOICE = 4;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final int limit;
  private long hash = FNV_OFFSET;
  private long count;
  private int[] kinds = new int[64];
  private long[] values = new long[64];
  private int kept;
  private final List<String> taskNames = new ArrayList<>();

  Trace(int limit) {
    this.limit = limit;
  }

  void record(int kind, long value) {
    long h = hash;
    h = (h ^ kind) * FNV_PRIME;
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((value >>> (8 * i)) & 0xff)) * FNV_PRIME;
    }
    hash = h;
    count++;
    if (kept < limit) {
      if (kept == kinds.length) {
        int n = (int) Math.min((long) limit, kinds.length * 2L);
        kinds = Arrays.copyOf(kinds, n);
        values = Arrays.copyOf(values, n);
      }
      kinds[kept] = kind;
      values[kept] = value;
      kept++;
    }
  }

  /** A copy, for a result that must not change when the run's own thread goes on (an abandoned run). */
  Trace copy() {
    Trace t = new Trace(limit);
    int n = Math.min(kept, Math.min(kinds.length, values.length));
    t.hash = hash;
    t.count = count;
    t.kinds = Arrays.copyOf(kinds, Math.max(n, 1));
    t.values = Arrays.copyOf(values, Math.max(n, 1));
    t.kept = n;
    t.taskNames.addAll(new ArrayList<>(taskNames));
    return t;
  }

  void nameTask(long id, String name) {
    if (id >= Integer.MAX_VALUE) {
      return;
    }
    int i = (int) id;
    while (taskNames.size() <= i) {
      taskNames.add(null);
    }
    if (taskNames.get(i) == null) {
      taskNames.set(i, name);
    }
  }

  boolean knowsTask(long id) {
    return id < taskNames.size() && taskNames.get((int) id) != null;
  }

  /** The hash of every event of the run. */
  public long hash() {
    return hash;
  }

  /** The hash as 16 hexadecimal digits. */
  public String hashHex() {
    return String.format("%016x", hash);
  }

  /** How many events the run had (all of them are in the hash). */
  public long eventCount() {
    return count;
  }

  /** How many events are kept for {@link #render}. */
  public int keptCount() {
    return kept;
  }

  /** The kept events, one per line, from event {@code from} (inclusive), at most {@code max} of them. */
  public List<String> render(int from, int max) {
    List<String> out = new ArrayList<>();
    for (int i = Math.max(0, from); i < kept && out.size() < max; i++) {
      out.add(i + " " + describe(kinds[i], values[i]));
    }
    return out;
  }

  /** The last {@code max} kept events. */
  public List<String> tail(int max) {
    return render(kept - max, max);
  }

  private String describe(int kind, long v) {
    return switch (kind) {
      case STEP -> "step " + taskName(v);
      case TIMER -> "timer #" + v;
      case CALLBACK -> "callback";
      case CLOCK -> String.format(java.util.Locale.ROOT, "clock %.6fs", v / 1e9);
      case CHOICE -> "choose " + Decision.of((int) (v >>> 48)).name() + " " + (v & 0xffffff) + " of "
          + ((v >>> 24) & 0xffffff);
      default -> "event " + kind + " " + v;
    };
  }

  private String taskName(long id) {
    String n = id < taskNames.size() ? taskNames.get((int) id) : null;
    return n != null ? n + " (#" + id + ")" : "task #" + id;
  }

  /**
   * Writes the trace to {@code file}: a header with the schedule, the hash and the counts, then the kept events.
   *
   * @throws IOException if the file cannot be written
   */
  public void write(Path file, String header) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    StringBuilder sb = new StringBuilder(header).append('\n');
    sb.append("trace hash ").append(hashHex()).append(", ").append(count).append(" events");
    if (kept < count) {
      sb.append(" (the first ").append(kept).append(" are listed)");
    }
    sb.append('\n');
    for (String line : render(0, kept)) {
      sb.append(line).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Trace[" + hashHex() + ", " + count + " events]";
  }
}
