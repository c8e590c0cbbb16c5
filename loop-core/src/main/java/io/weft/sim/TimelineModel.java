package io.weft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * What both timelines show of a run ({@link Timeline}): its kept events laid out on tracks, each with its virtual
 * time, its place on the x axis, the event that queued it (a step) and the sentence of its deviation (a nonzero
 * choice).
 *
 * <p>The x axis is virtual time in microseconds, except that events never share a place: each event takes one
 * microsecond, so events at one virtual instant are laid out one after the other in the order they happened, and a
 * burst of n events pushes what follows at most n microseconds past its virtual time. Each event also carries its
 * exact virtual time and its number in the trace.
 */
final class TimelineModel {

  /** Tracks that are not tasks. */
  static final long CHOICES = 1;
  static final long LOOP = 2;
  static final long NET = 3;
  /** A task's track is this plus its id. */
  static final long TASK_BASE = 10;

  /** A track: its id, its label, and what it holds ({@code task}, {@code choices}, {@code loop}, {@code net}). */
  record Track(long id, String label, String kind) {}

  /**
   * One event on the timeline: the trace's event, its track (0 for a clock event, which belongs to none), its virtual
   * time (and in words), its place on the x axis (microseconds), and its deviation's sentence (a nonzero choice; null
   * otherwise).
   */
  record Item(Trace.Event event, long track, long nanos, String seconds, double x, String deviation) {
    long number() {
      return event.number();
    }
  }

  final SimResult<?> result;
  final List<Track> tracks;
  final List<Item> items;
  /** The number of the first event shown (the run's events before it are not shown). */
  final long firstShown;
  /** How many of the run's events come after the last one shown. */
  final long notShownAfter;

  private TimelineModel(SimResult<?> result, List<Track> tracks, List<Item> items, long firstShown,
      long notShownAfter) {
    this.result = result;
    this.tracks = tracks;
    this.items = items;
    this.firstShown = firstShown;
    this.notShownAfter = notShownAfter;
  }

  /**
   * Lays out the kept events of {@code result}'s trace: all of them, or if there are more than {@code max}, the last
   * {@code max} up to the failure (the events that led to it) and what follows it within the limit.
   */
  static TimelineModel of(SimResult<?> result, int max) {
    Trace trace = result.trace();
    long first = trace.firstKept();
    long from = first;
    long to = first + trace.keptCount();
    if (to - from > max) {
      long fail = trace.failureIndex();
      long failAt = fail < 0 ? to : Math.max(from, Math.min(to, fail));
      to = failAt + Math.min(to - failAt, Math.max(0, max / 10));
      from = Math.max(from, to - max);
    }
    List<Trace.Event> shown = trace.events(from, to);
    long nanos = trace.clockAt(from);
    TreeMap<Long, Track> tasks = new TreeMap<>();
    boolean choices = false;
    boolean loop = false;
    boolean net = false;
    List<Item> items = new ArrayList<>(shown.size());
    double x = -1;
    String words = seconds(nanos); // changes only when the clock moves
    for (Trace.Event e : shown) {
      long track;
      switch (e.kind()) {
        case Trace.STEP -> {
          track = TASK_BASE + e.value();
          tasks.computeIfAbsent(e.value(), id -> new Track(TASK_BASE + id, trace.taskLabel(id), "task"));
        }
        case Trace.CHOICE -> {
          track = CHOICES;
          choices = true;
        }
        case Trace.NET -> {
          track = NET;
          net = true;
        }
        case Trace.CLOCK -> {
          track = 0;
          nanos = e.value();
          words = seconds(nanos);
        }
        default -> {
          track = LOOP;
          loop = true;
        }
      }
      x = Math.max(nanos / 1000.0, x + 1);
      items.add(new Item(e, track, nanos, words, x, e.deviation() < 0 ? null : sentence(result, e.deviation())));
    }
    List<Track> tracks = new ArrayList<>();
    if (choices) {
      tracks.add(new Track(CHOICES, "choices and deviations", "choices"));
    }
    tracks.addAll(tasks.values());
    if (loop) {
      tracks.add(new Track(LOOP, "timers and callbacks", "loop"));
    }
    if (net) {
      tracks.add(new Track(NET, "network", "net"));
    }
    return new TimelineModel(result, tracks, items, from, trace.eventCount() - Math.max(from, to));
  }

  /** The sentence of the run's deviation numbered {@code k} (from 0), or a line saying it was not described. */
  private static String sentence(SimResult<?> result, int k) {
    List<String> s = result.deviations();
    if (k < SimResult.DESCRIBED_DEVIATIONS && k < s.size() && !s.get(k).startsWith("... and ")) {
      return s.get(k);
    }
    return String.format(Locale.ROOT, "deviation %d of the run (only the first %d are described in words)", k + 1,
        SimResult.DESCRIBED_DEVIATIONS);
  }

  /** The item of event {@code number}, or null if it is not shown. */
  Item find(long number) {
    int lo = 0;
    int hi = items.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long n = items.get(mid).number();
      if (n == number) {
        return items.get(mid);
      } else if (n < number) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }

  /** The decision, alternatives and choice of a choice event, as {@code TIE 1 of 2}. */
  static String choice(long value) {
    return Decision.of((int) (value >>> 48)).name() + " " + (value & 0xffffff) + " of " + ((value >>> 24) & 0xffffff);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.6f s", nanos / 1e9);
  }
}
