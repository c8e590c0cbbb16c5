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
import java.util.Locale;

/**
 * What a simulated run did, in order: each task step, timer, other callback, clock jump and choice, and a 64-bit hash
 * of all of them. The hash is FNV-1a over each event's kind and value as little-endian longs, so it depends only on
 * the events: the same schedule gives the same hash in every run and every JVM, and {@link Simulation#selfCheck}
 * tests exactly that.
 *
 * <p>Events are numbered from 0. The trace keeps the <em>last</em> {@link SimOptions#traceLimit()} events (the hash
 * always covers all of them): the ones that led to the end of the run. When the run fails, the trace notes the event
 * number at which the failure was recorded; what follows (the clean-up that cancels the tasks left) is kept, at most a
 * quarter of the limit of it, and marked with a line {@value #FAILURE_LINE}. {@link #tail} shows the events up to the
 * failure, {@link #render} any range, {@link #write} all that is kept; each says which event numbers it shows. Task
 * steps are shown with the task's name as it was when the task first ran (its creation site for an unnamed task), and
 * timers with the task that set them or where they were set.
 *
 * <p>Beside each kept event the trace also keeps two facts that are <em>not</em> in the hash, for the
 * {@linkplain Timeline timelines}: for a task step, the event that made the task runnable (the step, timer, callback
 * or delivery that was running when the step was queued), and for a nonzero choice, which deviation of the run it is.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Trace {

  /** The line that marks where the run's failure was recorded; clean-up events follow it. */
  public static final String FAILURE_LINE = "--- failure recorded here; clean-up follows ---";

  // The loop's event codes pass straight through SimHooks.event; the trace adds its own two.
  static final int TIMER = SimHooks.EV_TIMER;
  static final int CALLBACK = SimHooks.EV_CALLBACK;
  static final int CLOCK = SimHooks.EV_CLOCK;
  static final int STEP = 0;
  static final int CHOICE = 4;
  static final int NET = SimHooks.EV_NET;
  static final int REAL_WORK = SimHooks.EV_REAL_WORK;
  static final int PIECE = SimHooks.EV_PIECE;
  // An observation of the world (Schedule#world): stream << 32 | value.
  static final int OBSERVE = 8;
  // Set on a kept kind whose note is where a timer was set (otherwise a timer's note is its task's name).
  private static final int SITE_NOTE = 0x100;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  // What a NET event delivers, by the kind in its top byte (io.weft.sim.net.Segment.Kind's order, plus one).
  private static final String[] NET_KINDS = {"?", "syn", "syn-ack", "refused", "data", "fin", "rst", "datagram",
      "unreachable", "partition", "heal", "timeout", "crash", "restart", "accept", "?"};

  private final int limit;
  private long hash = FNV_OFFSET;
  private long count;
  // A ring of the kept events: slots grow by doubling up to limit, then the oldest is overwritten.
  // Invariant: kept <= limit; kinds, values (and notes, once allocated) have the same length; the kept events are
  // numbered first .. first + kept - 1, and the one numbered first + i is in slot (next - kept + i) mod length.
  private int[] kinds = new int[64];
  private long[] values = new long[64];
  // A note per kept event (a timer's task name or set site), allocated when the first note is recorded.
  private Object[] notes;
  // Not hashed. Per kept event: for a STEP, how many events back the event that queued it is (0: not known); for a
  // nonzero CHOICE, 1 + its deviation's number in the run (0 for a choice of 0). Same length as kinds.
  private int[] extras = new int[64];
  // Not hashed. The number of the event that runs now (the last step, timer, callback or delivery recorded), or -1.
  private long running = -1;
  // Not hashed. Per task id: 1 + the number of the event that queued its next step, or 0 if none is queued.
  private long[] queuedBy = new long[16];
  // Not hashed. How many nonzero choices the run made so far.
  private int deviationCount;
  // Not hashed. The virtual time (ns) of the last clock event no longer kept (0: none was dropped).
  private long clockBeforeFirst;
  private int next;
  private int kept;
  private long first;
  // Events numbered from here on are hashed and counted but not kept (so that a long clean-up cannot push the events
  // that led to the failure out of the ring).
  private long keepBefore = Long.MAX_VALUE;
  // The number of the first event after the failure was recorded, and of the first clean-up event; -1 until then.
  // Written by the loop's thread, or once by a foreign thread whose failure stops the run.
  private volatile long failureAt = -1;
  private long cleanupAt = -1;
  private final List<String> taskNames = new ArrayList<>();

  Trace(int limit) {
    this.limit = limit;
  }

  void record(int kind, long value) {
    record(kind, value, null, 0);
  }

  /** Records a timer's run: its sequence number, and the task that set it (-1: none) or where it was set (or null). */
  void recordTimer(long seq, long owner, String site) {
    if (site != null) {
      record(TIMER, seq, site, SITE_NOTE);
    } else {
      record(TIMER, seq, owner >= 0 && owner < taskNames.size() ? taskNames.get((int) owner) : null, 0);
    }
  }

  private void record(int kind, long value, Object note, int flags) {
    long h = hash;
    h = (h ^ kind) * FNV_PRIME;
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((value >>> (8 * i)) & 0xff)) * FNV_PRIME;
    }
    hash = h;
    long n = count++;
    int extra = 0;
    if (kind == STEP) {
      extra = stepCause(value, n);
    } else if (kind == CHOICE) {
      if ((value & 0xffffff) != 0) {
        extra = ++deviationCount;
      }
    } else if (kind != CLOCK) {
      running = n;
    }
    if (n >= keepBefore || limit == 0) {
      return;
    }
    if (kept == limit) {
      // The oldest kept event is dropped: if it moved the clock, remember where the clock stood.
      int oldest = Math.floorMod(next - kept, kinds.length);
      if ((kinds[oldest] & ~SITE_NOTE) == CLOCK) {
        clockBeforeFirst = values[oldest];
      }
    }
    int slot = next;
    if (slot == kinds.length) {
      if (slot < limit) {
        grow();
      } else {
        slot = 0;
      }
    }
    kinds[slot] = kind | flags;
    values[slot] = value;
    extras[slot] = extra;
    if (notes != null) {
      notes[slot] = note;
    } else if (note != null) {
      notes = new Object[kinds.length];
      notes[slot] = note;
    }
    next = slot + 1;
    if (kept < limit) {
      kept++;
    } else {
      first++;
    }
  }

  /**
   * A step of task {@code id} starts as event {@code n}: it is now the running event; returns how many events back the
   * one that queued it is (0: not known), and forgets that.
   */
  private int stepCause(long id, long n) {
    running = n;
    if (id < 0 || id >= queuedBy.length) {
      return 0;
    }
    long by = queuedBy[(int) id] - 1;
    queuedBy[(int) id] = 0;
    return by < 0 || n - by > Integer.MAX_VALUE ? 0 : (int) (n - by);
  }

  /**
   * Notes that a step of task {@code id} was queued now, by the event that is running (none before the loop runs its
   * first callback). Not part of the hash.
   */
  void queued(long id) {
    if (id < 0 || id >= Integer.MAX_VALUE - 8) {
      return;
    }
    if (id >= queuedBy.length) {
      queuedBy = Arrays.copyOf(queuedBy, (int) Math.max(id + 1, Math.min(Integer.MAX_VALUE - 8, queuedBy.length * 2L)));
    }
    queuedBy[(int) id] = running + 1;
  }

  private void grow() {
    int n = (int) Math.min((long) limit, kinds.length * 2L);
    kinds = Arrays.copyOf(kinds, n);
    values = Arrays.copyOf(values, n);
    extras = Arrays.copyOf(extras, n);
    if (notes != null) {
      notes = Arrays.copyOf(notes, n);
    }
  }

  /** Checks the ring's invariants; tests call it. */
  void checkInvariants() {
    if (kept > limit || kept > kinds.length || values.length != kinds.length || extras.length != kinds.length
        || (notes != null && notes.length != kinds.length) || first + kept > count || next > kinds.length
        || (kept < limit && (first != 0 || next != kept))) {
      throw new AssertionError("trace ring broken: limit=" + limit + " kept=" + kept + " first=" + first + " next="
          + next + " count=" + count + " slots=" + kinds.length);
    }
  }

  /** Notes that the run's failure is recorded now: the events so far led to it. Only the first call counts. */
  void markFailure() {
    if (failureAt < 0) {
      long at = count;
      failureAt = at;
      keepBefore = at + Math.max(1, limit / 4);
    }
  }

  /** Notes that the clean-up (cancelling what is left) starts now. Only the first call counts. */
  void markCleanup() {
    if (cleanupAt < 0) {
      cleanupAt = count;
    }
    running = -1; // what the clean-up wakes (cancelling what is left), nothing of the run woke
  }

  /**
   * A copy, for a result that must not change when the run's own thread goes on (an abandoned run): the kept events in
   * order, with their numbers, notes and the failure and clean-up marks.
   */
  Trace copy() {
    int[] k = kinds;
    long[] v = values;
    int[] x = extras;
    Object[] no = notes;
    int len = Math.min(Math.min(k.length, v.length), x.length);
    if (no != null) {
      len = Math.min(len, no.length);
    }
    int n = Math.min(kept, len);
    Trace t = new Trace(limit);
    t.hash = hash;
    t.count = count;
    t.kinds = new int[Math.max(n, 1)];
    t.values = new long[Math.max(n, 1)];
    t.extras = new int[Math.max(n, 1)];
    t.notes = no == null ? null : new Object[Math.max(n, 1)];
    // The oldest kept event is in slot next - kept (mod length): copy from there, so the copy's ring starts at 0.
    int slot0 = len == 0 ? 0 : Math.floorMod(next - n, len);
    for (int i = 0; i < n; i++) {
      int s = (slot0 + i) % len;
      t.kinds[i] = k[s];
      t.values[i] = v[s];
      t.extras[i] = x[s];
      if (no != null) {
        t.notes[i] = no[s];
      }
    }
    t.kept = n;
    t.next = n;
    t.first = first + (kept - n);
    t.failureAt = failureAt;
    t.cleanupAt = cleanupAt;
    t.keepBefore = keepBefore;
    t.taskNames.addAll(new ArrayList<>(taskNames));
    t.clockBeforeFirst = clockBeforeFirst;
    t.deviationCount = deviationCount;
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

  /** The number of the first kept event (0 unless earlier ones were dropped). */
  public long firstKept() {
    return first;
  }

  /** The number of the first event after the run's failure was recorded, or -1 if the run did not fail. */
  public long failureIndex() {
    return failureAt;
  }

  /**
   * The kept events numbered {@code from} and later, one per line ({@code 245606 step main}), at most {@code max} of
   * them, with the line {@value #FAILURE_LINE} before the first event after the failure. Events not kept are not
   * listed: the first line says so when {@code from} is before the first kept event.
   */
  public List<String> render(long from, int max) {
    List<String> out = new ArrayList<>();
    long start = Math.max(from, first);
    if (from < first && max > 0) {
      out.add(String.format(Locale.ROOT, "(events %,d-%,d dropped: the trace keeps the last %,d)", from, first - 1,
          limit));
    }
    long end = Math.min(first + kept, start + Math.max(0, max));
    appendEvents(out, start, end);
    return out;
  }

  private void appendEvents(List<String> out, long start, long end) {
    int len = kinds.length;
    int slot0 = Math.floorMod(next - kept, len);
    long fail = failureAt;
    for (long e = start; e < end; e++) {
      if (e == fail) {
        out.add(FAILURE_LINE);
      } else if (e == cleanupAt && fail < 0) {
        out.add("--- clean-up follows ---");
      }
      int slot = (int) ((slot0 + (e - first)) % len);
      out.add(e + " " + describe(kinds[slot], values[slot], notes == null ? null : notes[slot]));
    }
  }

  /**
   * The last {@code max} events before the failure (all of them if the run did not fail), with a first line saying
   * which they are: {@code events 245,606-345,605 of 345,606; earlier ones dropped}. These are the events that led to
   * the failure; {@link #lastEvents} includes the clean-up after it.
   */
  public List<String> tail(int max) {
    long fail = failureAt;
    long end = Math.min(first + kept, fail >= 0 ? fail : count);
    return excerpt(Math.max(first, end - Math.max(0, max)), end, fail >= 0);
  }

  /** The last {@code max} kept events, clean-up included, with a first line saying which they are. */
  public List<String> lastEvents(int max) {
    long end = first + kept;
    return excerpt(Math.max(first, end - Math.max(0, max)), end, false);
  }

  private List<String> excerpt(long start, long end, boolean upToFailure) {
    List<String> out = new ArrayList<>();
    out.add(range(start, end, upToFailure));
    appendEvents(out, start, end);
    return out;
  }

  private String range(long start, long end, boolean upToFailure) {
    StringBuilder sb = new StringBuilder();
    if (end <= start) {
      sb.append(String.format(Locale.ROOT, "no events of %,d kept", count));
    } else {
      sb.append(String.format(Locale.ROOT, "events %,d-%,d of %,d", start, end - 1, count));
    }
    if (start > 0 && start == first) {
      sb.append("; earlier ones dropped");
    }
    long fail = failureAt;
    if (upToFailure) {
      sb.append(String.format(Locale.ROOT, "; up to the failure, recorded before event %,d", fail));
      if (count > fail) {
        sb.append(String.format(Locale.ROOT, " (%,d clean-up event(s) follow)", count - fail));
      }
    } else if (end < count && fail >= 0 && end >= fail) {
      sb.append(String.format(Locale.ROOT, "; %,d later clean-up event(s) not kept", count - end));
    }
    return sb.toString();
  }

  private String describe(int kind, long v, Object note) {
    return switch (kind & ~SITE_NOTE) {
      case STEP -> "step " + taskName(v);
      case TIMER -> "timer #" + v + (note == null ? "" : (kind & SITE_NOTE) != 0 ? " set at " + note : " of " + note);
      case CALLBACK -> "callback";
      case CLOCK -> String.format(Locale.ROOT, "clock %.6fs", v / 1e9);
      case CHOICE -> "choose " + Decision.of((int) (v >>> 48)).name() + " " + (v & 0xffffff) + " of "
          + ((v >>> 24) & 0xffffff);
      case NET -> "net " + NET_KINDS[(int) Math.min(NET_KINDS.length - 1, v >>> 56)] + " #" + ((v >>> 24) & 0xffffffffL)
          + ((v & 0xffffff) != 0 ? " " + (v & 0xffffff) + " bytes" : "");
      case REAL_WORK -> "real work #" + (v >>> 2) + switch ((int) (v & 3)) {
        case 0 -> " delivers a message";
        case 1 -> " ended";
        default -> "'s thread ended";
      };
      case PIECE -> "real work #" + (v >>> 40) + " delivers from its source " + ((v >>> 32) & 0xff) + ": "
          + (v & 0xffffffffL);
      case OBSERVE -> "observe child #" + (v >>> 32) + ": " + (v & 0xffffffffL);
      default -> "event " + kind + " " + v;
    };
  }

  private String taskName(long id) {
    String n = id < taskNames.size() ? taskNames.get((int) id) : null;
    if (n == null) {
      return "task #" + id;
    }
    String auto = "Task-" + id;
    return n.equals(auto) || n.startsWith(auto + " (") ? n : n + " (#" + id + ")";
  }

  String nameOf(long taskId) {
    String n = taskId >= 0 && taskId < taskNames.size() ? taskNames.get((int) taskId) : null;
    return n != null ? n : "task #" + taskId;
  }

  /**
   * One kept event, for the timelines: its number, kind ({@link #STEP}, {@link #TIMER}, ...), value, text as
   * {@link #render} shows it, the number of the event that queued it (a step; -1 if not known) and, for a nonzero
   * choice, its deviation's number in the run (from 0; -1 otherwise).
   */
  record Event(long number, int kind, long value, String text, long cause, int deviation) {}

  /** The kept events, in order. */
  List<Event> events() {
    return events(first, first + kept);
  }

  /** The kept events numbered {@code from} to {@code to - 1}, in order. */
  List<Event> events(long from, long to) {
    long start = Math.max(from, first);
    long end = Math.min(to, first + kept);
    List<Event> out = new ArrayList<>((int) Math.max(0, end - start));
    int len = kinds.length;
    int slot0 = Math.floorMod(next - kept, len);
    for (long e = start; e < end; e++) {
      int slot = (int) ((slot0 + (e - first)) % len);
      int kind = kinds[slot] & ~SITE_NOTE;
      int x = extras[slot];
      out.add(new Event(e, kind, values[slot], describe(kinds[slot], values[slot], notes == null ? null : notes[slot]),
          kind == STEP && x > 0 ? e - x : -1, kind == CHOICE && x > 0 ? x - 1 : -1));
    }
    return out;
  }

  /** The virtual time, in nanoseconds, at the first kept event (the last clock event before it; 0 if none). */
  long clockAtFirstKept() {
    return clockBeforeFirst;
  }

  /** The virtual time, in nanoseconds, at kept event {@code number}: the last clock event before it. */
  long clockAt(long number) {
    if (kept == 0) {
      return clockBeforeFirst;
    }
    int len = kinds.length;
    int slot0 = Math.floorMod(next - kept, len);
    for (long e = Math.min(number, first + kept) - 1; e >= first; e--) {
      int slot = (int) ((slot0 + (e - first)) % len);
      if ((kinds[slot] & ~SITE_NOTE) == CLOCK) {
        return values[slot];
      }
    }
    return clockBeforeFirst;
  }

  /** How a step of task {@code id} is shown: its name, and its number if the name does not say it. */
  String taskLabel(long id) {
    return taskName(id);
  }

  /** The number of the first clean-up event, or -1. */
  long cleanupIndex() {
    return cleanupAt;
  }

  /**
   * Writes the trace to {@code file}: {@code header}, a line with the hash, the number of events and which are kept
   * (and where the failure was recorded), then the kept events.
   *
   * @throws IOException if the file cannot be written
   */
  public void write(Path file, String header) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    StringBuilder sb = new StringBuilder(header).append('\n');
    sb.append("# trace hash ").append(hashHex()).append(String.format(Locale.ROOT, ", %,d events; ", count))
        .append(range(first, first + kept, false));
    long fail = failureAt;
    if (fail >= 0) {
      sb.append(String.format(Locale.ROOT, "; the failure was recorded before event %,d", fail));
    }
    sb.append('\n');
    List<String> lines = new ArrayList<>();
    appendEvents(lines, first, first + kept);
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    if (fail >= 0 && fail == first + kept) {
      sb.append(FAILURE_LINE).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Trace[" + hashHex() + ", " + count + " events]";
  }
}
