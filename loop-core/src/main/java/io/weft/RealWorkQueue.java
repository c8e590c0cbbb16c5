package io.weft;

import io.weft.internal.SimHooks;
import io.weft.internal.WorkFeed;
import io.weft.spi.SystemClock;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The real work of a simulated loop, and the points where its messages enter the loop.
 *
 * <h2>Why</h2>
 *
 * <p>A thread finishes whenever it finishes. If its callback entered the loop when it arrived, the iteration it lands
 * in would depend on real timing, and a failing schedule would not replay. So a simulated loop does not take a
 * declared work's messages when they arrive: each {@link RealWorkItem} keeps them in its inbox, in the order its
 * thread sent them, and the simulation decides where they enter.
 *
 * <h2>The decision</h2>
 *
 * <p>At the start of each iteration with <em>deliverable</em> work (open as the loop sees it, not waiting for the
 * loop in a {@code callOnLoop}, and not known to have nothing more to send), the simulation makes a {@link SimHooks#REAL_WORK} choice. When the loop has something to run
 * (a ready callback or a due timer), alternative 0 delivers nothing now and alternative i the next message of the
 * i-th deliverable item (in creation order), queued behind what is ready. When the loop would otherwise be idle, it
 * must deliver: alternative i takes the next message of the i-th item, and 0 is the oldest (no choice with one). So a
 * schedule of zeros is asyncio with slow threads: each result enters when the loop has nothing else to do, oldest
 * work first. Then the loop waits, in real time and up to the watchdog, for that item's next message; the next
 * message, not the work's end, so a thread that sends progress or waits for a round trip is never waited for past
 * what it can send. Virtual time does not move while any work is deliverable.
 *
 * <h2>Work that may be quiet</h2>
 *
 * <p>A child process may wait for the program (read its stdin) while the program waits for a virtual timer: waiting
 * for the child's next message would never end. So work declared as possibly quiet ({@code Kernel.beginQuietRealWork},
 * used for subprocesses) is waited for differently when the loop is idle, a timer is set, and every deliverable work
 * is of that kind: the loop waits only a grace period ({@code SimOptions.quietGrace}, real time) for something from
 * them, and if nothing came it lets virtual time move to the timer. The outcome is a recorded {@link
 * SimHooks#REAL_WORK} choice made by the world rather than the strategy (0: time moved; i: work i's next message
 * entered), so a replay takes the same branch whatever has arrived by then (for i, waiting up to the watchdog). A
 * child that answers within the grace period answers with no virtual time passing, as before. When the loop is busy
 * and the strategy chose such a work's next message, the loop waits for it only the grace period too, and if nothing
 * came, delivers nothing now (another recorded choice of the world: 0 quiet, 1 it spoke). Likewise when the idle loop
 * chose such a work while other work (an executor job) is open: if it stays quiet for the grace period, the loop
 * waits for the first other work instead (the same recorded choice of two), so a child waiting for its stdin never
 * holds the run while the job that the program awaits before writing it finishes.
 *
 * <h2>Waits that cannot end</h2>
 *
 * <p>A wait for a message that will never come would hold the run until the watchdog. Two cases are told apart
 * without looking at real timing: a work whose sending thread (the thread of its first message) has ended with its
 * inbox empty can send nothing more (it ended before or during the wait: the outcome is the same), so it is no
 * longer waited for and its trace says so; and a busy loop does not wait for a work that has sent nothing of its own
 * once callbacks that no work claimed have arrived, since those may be its messages already queued. A thread that
 * waits for the loop by other means than {@code callOnLoop} is not told apart: the run fails as WATCHDOG, naming the
 * work waited for.
 *
 * <h2>Attribution</h2>
 *
 * <p>A message belongs to a work when sent through it ({@code work.callSoon}, {@code complete}, {@code callOnLoop},
 * {@code close} from another thread), and when {@code loop.callSoonThreadsafe} is given a lambda that captured the
 * work (the documented {@code callSoonThreadsafe(() -> { work.close(); ... })}). Any other thread-safe callback is
 * not attributed: it enters whenever it arrives (ordered by {@link SimHooks#EXTERNAL} choices among those that
 * arrived together) and ends a wait for real work, as before; that part is not deterministic.
 *
 * <h2>Owners</h2>
 *
 * <p>In choice points, work item n (1, 2, ... in creation order) is owner {@code -1 - n}: -2, -3, ...; a thread that
 * sends callbacks attributed to no work is owner {@code -2^32 - k}, k in order of first arrival.
 */
final class RealWorkQueue {

  /** What {@link #take} did besides returning a message handle, and what {@link #deliver} did. */
  enum Outcome {
    /** A message was queued. */
    DELIVERED,
    /** Nothing was chosen, or nothing is deliverable. */
    NONE,
    /** The chosen work's END was taken: it is over, and nothing entered the loop. */
    ENDED,
    /** A callback attributed to no work arrived during the wait; the next iteration collects it. */
    INTERRUPTED,
    /** The run stops: the wait for real work expired, or a failure was recorded meanwhile. */
    STOP
  }

  // A waiting loop rechecks the run's failure flag at least this often.
  private static final long WAIT_SLICE_NANOS = 10_000_000L;
  private static final long FOREIGN_OWNERS = -(1L << 32);

  private static final ClassValue<Field[]> WORK_FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> out = new ArrayList<>();
      for (Field f : type.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && EventLoop.RealWork.class.isAssignableFrom(f.getType())) {
          try {
            f.setAccessible(true);
            out.add(f);
          } catch (RuntimeException notOpen) {
            // a lambda in a module that does not open its package: not attributed
          }
        }
      }
      return out.toArray(new Field[0]);
    }
  };

  private final EventLoop loop;
  // Invariant: in creation order; an item leaves once the loop has seen it end. Added to by any thread.
  private final CopyOnWriteArrayList<RealWorkItem> items = new CopyOnWriteArrayList<>();
  private int created;
  private int fed; // fed works created
  // How many callbacks from other threads attributed to no work the loop has collected. Written by the loop thread.
  private volatile long unattributed;
  // The loop thread while it waits for a message, else null: senders unpark it.
  private volatile Thread waiter;
  // Loop thread only: owner ids of threads whose callbacks no work claimed (looked up, never iterated).
  private final Map<Thread, Long> foreignSenders = new IdentityHashMap<>();
  // Loop thread only: the owner of each external event being ordered now, and of each work's message queued and not
  // yet run (looked up, never iterated).
  private final Map<Handle, Long> externalOwners = new IdentityHashMap<>();
  private final Map<Handle, Long> queuedMessages = new IdentityHashMap<>();

  RealWorkQueue(EventLoop loop) {
    this.loop = loop;
  }

  /** Declares new work, numbered in order of creation. Any thread. */
  synchronized RealWorkItem begin(String description) {
    RealWorkItem item = new RealWorkItem(loop, this, ++created, description, unattributed);
    items.add(item);
    return item;
  }

  /** Wakes the loop if it waits for a message. Any thread. */
  void wake() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /**
   * Files {@code h}, sent from another thread with {@code callback}, in the inbox of the open work the callback
   * captured, if there is exactly one; returns whether it did.
   */
  boolean offerCaptured(Handle h, Runnable callback) {
    if (items.isEmpty()) {
      return false;
    }
    RealWorkItem found = null;
    for (Field f : WORK_FIELDS.get(callback.getClass())) {
      Object v;
      try {
        v = f.get(callback);
      } catch (IllegalAccessException | RuntimeException e) {
        continue;
      }
      if (v instanceof RealWorkItem w && w.loop == loop && !w.ended) {
        if (found != null && found != w) {
          return false; // two works: whose message it is cannot be told
        }
        found = w;
      }
    }
    return found != null && found.offer(h);
  }

  /** The work is over as the loop sees it (closed on the loop, or its END taken). Loop thread. */
  void end(RealWorkItem item) {
    List<Object> late = new ArrayList<>();
    synchronized (item) {
      if (item.ended) {
        return;
      }
      item.ended = true;
      if (item.feed != null) {
        item.feed.close(); // what it staged after its end enters nowhere, as a message sent after the end
      }
      Object m;
      while ((m = item.inbox.poll()) != null) {
        late.add(m);
      }
    }
    items.remove(item);
    for (Object m : late) {
      if (m instanceof Handle h) {
        loop.submitUnattributed(h); // sent after the work said it was over: a plain thread-safe callback
      }
    }
  }

  /** Numbers a fed work: 1, 2, ... in order of creation among the loop's fed works (its stream of observations). */
  synchronized int nextFedOrdinal() {
    return ++fed;
  }

  /** A callOnLoop task of {@code item} finished. Loop thread. */
  void roundTripDone(RealWorkItem item) {
    item.awaitingLoop--;
  }

  /** Whether some work is deliverable. Loop thread. */
  boolean hasDeliverable() {
    if (items.isEmpty()) {
      return false; // the common case, without an iterator
    }
    for (RealWorkItem item : items) {
      if (deliverable(item, false)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the loop may wait for the work's next message: it is open as the loop sees it, not waiting for the loop,
   * and not known to have nothing more to send. While the loop is {@code busy}, not a work that has sent nothing of
   * its own while callbacks that no work claimed arrived: those may well be its messages (a lambda that does not use
   * the work), and waiting for it could wait for what is already queued; that program is not reproducible anyway.
   */
  private boolean deliverable(RealWorkItem item, boolean busy) {
    if (item.ended || item.awaitingLoop > 0 || (item.silent && item.inbox.isEmpty())) {
      return false;
    }
    return !busy || item.sender != null || item.feed != null || unattributed == item.unattributedAtBegin;
  }

  /**
   * Lets the simulation deliver the next message of a work into {@code ready}: while the loop has something to run
   * ({@code head}, what runs first: the first ready callback, or a due timer), if it chooses to; when it would be idle
   * ({@code head} null), always, consuming the works that ended meanwhile. Returns DELIVERED or NONE when the
   * iteration goes on, INTERRUPTED when it must end here (a callback no work claimed arrived while the idle loop
   * waited), STOP when the run stops; NONE with {@code head} null when virtual time may move to the next timer
   * ({@code timerSet}) because the only deliverable work may be quiet and stayed so. Loop thread.
   */
  Outcome deliver(SimHooks s, java.util.Deque<Handle> ready, Handle head, boolean timerSet) {
    while (true) {
      Object taken = take(s, head, timerSet);
      if (taken instanceof Handle h) {
        ready.add(h);
        return Outcome.DELIVERED;
      }
      Outcome o = (Outcome) taken;
      if (o != Outcome.ENDED) {
        return o == Outcome.INTERRUPTED && head != null ? Outcome.NONE : o;
      }
      if (head != null) {
        return Outcome.NONE;
      }
    }
  }

  /**
   * Makes the {@link SimHooks#REAL_WORK} decision and takes the chosen work's next message, waiting for it in real
   * time if need be; {@code head} is what the loop will run first, or null when it is idle. Returns the message's
   * handle (to queue now), or an {@link Outcome}. Loop thread.
   */
  Object take(SimHooks s, Handle head, boolean timerSet) {
    List<RealWorkItem> open = new ArrayList<>(items.size());
    for (RealWorkItem item : items) {
      if (deliverable(item, head != null)) {
        open.add(item);
      }
    }
    if (open.isEmpty()) {
      return Outcome.NONE;
    }
    if (head == null && timerSet && allMayBeQuiet(open)) {
      return takeOrLetTimePass(s, open);
    }
    RealWorkItem item;
    if (head == null && open.size() == 1) {
      item = open.get(0);
    } else {
      int c = s.chooseRealWork(head, owners(open), names(open));
      if (head != null && c == 0) {
        return Outcome.NONE;
      }
      item = open.get(head != null ? c - 1 : c);
      if (head != null && item.mayBeQuiet && !spoke(s, item)) {
        return Outcome.NONE; // the busy loop does not wait for a child that may be waiting for it
      }
    }
    if (head == null && item.mayBeQuiet) {
      // The idle loop does not wait for a child that may be waiting for it while other work will speak: if the child
      // stays quiet for the grace period (a recorded observation), it waits for the first work that is not a child.
      RealWorkItem speaker = firstNotQuiet(open);
      if (speaker != null) {
        if (!spoke(s, item)) {
          item = speaker;
        }
      } else if (open.size() > 1 && !spoke(s, item)) {
        // Only children are open, and no timer is set (else takeOrLetTimePass): one may wait for what another says,
        // so the loop waits for whichever speaks first (a recorded observation), not for the one chosen.
        Object first = firstOfSeveralToSpeak(s, open);
        if (!(first instanceof RealWorkItem next)) {
          return first;
        }
        item = next;
      }
    }
    return waitForNext(s, item);
  }

  /**
   * Waits, up to the watchdog, for the first of {@code open} to have something for the loop, as a recorded
   * observation; returns it, or INTERRUPTED (a callback no work claimed arrived) or STOP (the watchdog expired).
   */
  private Object firstOfSeveralToSpeak(SimHooks s, List<RealWorkItem> open) {
    String[] names = names(open);
    int c = s.observeRealWork(owners(open), names, () -> firstToSpeak(s, open, s.realWaitNanos()));
    if (c > 0) {
      return open.get(c - 1);
    }
    if (s.failed()) {
      return Outcome.STOP;
    }
    if (loop.unattributedPending()) {
      return Outcome.INTERRUPTED;
    }
    s.realWaitExpired(String.join(" or ", names));
    return Outcome.STOP;
  }

  private static RealWorkItem firstNotQuiet(List<RealWorkItem> open) {
    for (RealWorkItem item : open) {
      if (!item.mayBeQuiet) {
        return item;
      }
    }
    return null;
  }

  /** The owner ids of {@code open}, for a choice point. */
  private static long[] owners(List<RealWorkItem> open) {
    long[] owners = new long[open.size()];
    for (int i = 0; i < owners.length; i++) {
      owners[i] = open.get(i).owner();
    }
    return owners;
  }

  /** The names of {@code open}, for reports. */
  private static String[] names(List<RealWorkItem> open) {
    String[] names = new String[open.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = open.get(i).name();
    }
    return names;
  }

  private static boolean allMayBeQuiet(List<RealWorkItem> open) {
    for (RealWorkItem item : open) {
      if (!item.mayBeQuiet) {
        return false;
      }
    }
    return true;
  }

  /**
   * The idle loop with a timer set, and only work that may be quiet (a child that may wait for the program): the
   * world decides, as a recorded {@link SimHooks#REAL_WORK} choice, whether a message enters (alternative i, the next
   * message of {@code open.get(i - 1)}, waited for as usual) or virtual time moves to the timer (0, NONE). A run that
   * is not a replay decides by waiting up to the grace period for something from the works.
   */
  private Object takeOrLetTimePass(SimHooks s, List<RealWorkItem> open) {
    int c = s.observeRealWork(owners(open), names(open), () -> firstToSpeak(s, open));
    if (c > 0) {
      return waitForNext(s, open.get(c - 1));
    }
    if (s.failed()) {
      return Outcome.STOP;
    }
    // A callback that no work claimed ends the iteration here, before time moves: the next one collects it.
    return loop.unattributedPending() ? Outcome.INTERRUPTED : Outcome.NONE;
  }

  /**
   * The busy loop chose the next message of {@code item}, which may be quiet: whether it came within the grace period
   * (or the replay says it did), as a recorded choice of two (0: it stayed quiet, and nothing enters now).
   */
  private boolean spoke(SimHooks s, RealWorkItem item) {
    List<RealWorkItem> one = List.of(item);
    return s.observeRealWork(new long[] {item.owner()}, new String[] {item.name()}, () -> firstToSpeak(s, one)) != 0;
  }

  /**
   * Waits up to the grace period, in real time, for any of {@code open} to have something for the loop (a message,
   * its end, or its thread ended); returns 1 + the index of the first (in creation order) that has, or 0 if none did.
   */
  private int firstToSpeak(SimHooks s, List<RealWorkItem> open) {
    return firstToSpeak(s, open, Math.min(s.quietGraceNanos(), s.realWaitNanos()));
  }

  /** As {@link #firstToSpeak(SimHooks, List)}, waiting up to {@code left} nanoseconds (at most the watchdog's). */
  private int firstToSpeak(SimHooks s, List<RealWorkItem> open, long left) {
    long deadline = SystemClock.INSTANCE.nanoTime() + left;
    waiter = Thread.currentThread();
    try {
      while (true) {
        for (int i = 0; i < open.size(); i++) {
          RealWorkItem item = open.get(i);
          Thread sender = item.sender;
          if (!item.inbox.isEmpty() || (item.feed != null && item.feed.hasAny())
              || (sender != null && !sender.isAlive())) {
            return i + 1;
          }
        }
        if (left <= 0 || loop.unattributedPending() || s.failed() || Thread.currentThread().isInterrupted()) {
          return 0;
        }
        LockSupport.parkNanos(this, Math.min(left, WAIT_SLICE_NANOS));
        left = deadline - SystemClock.INSTANCE.nanoTime();
      }
    } finally {
      waiter = null;
    }
  }

  private Object waitForNext(SimHooks s, RealWorkItem item) {
    long left = s.realWaitNanos();
    long deadline = SystemClock.INSTANCE.nanoTime() + left;
    waiter = Thread.currentThread();
    try {
      while (true) {
        // Read before the inbox: a sender found ended had sent all it ever will.
        Thread sender = item.sender;
        boolean senderEnded = sender != null && !sender.isAlive();
        Object m = item.inbox.peek();
        // A callback that no work claimed ends the wait; checked after the peek, so that one the same thread sent
        // before this message is always queued first.
        if (loop.unattributedPending()) {
          return Outcome.INTERRUPTED;
        }
        if (m != null) {
          item.inbox.poll();
          if (m == RealWorkItem.END) {
            end(item);
            s.event(SimHooks.EV_REAL_WORK, item.number * 4L + 1);
            return Outcome.ENDED;
          }
          if (((Handle) m).callback instanceof RealWorkItem.RoundTrip<?>) {
            item.awaitingLoop++;
          }
          s.event(SimHooks.EV_REAL_WORK, item.number * 4L);
          queuedMessages.put((Handle) m, item.owner());
          return m;
        }
        WorkFeed feed = item.feed;
        if (feed != null && feed.hasAny()) {
          return takeStaged(s, item, feed, deadline);
        }
        if (senderEnded) {
          item.silent = true; // its thread ended without closing it: the loop will (or it leaks), nothing more comes
          s.event(SimHooks.EV_REAL_WORK, item.number * 4L + 2);
          return Outcome.ENDED;
        }
        if (s.failed()) {
          return Outcome.STOP;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("interrupted while the simulated loop waited for the next message of "
              + item.name());
        }
        if (left <= 0) {
          s.realWaitExpired(item.name());
          return Outcome.STOP;
        }
        LockSupport.parkNanos(this, Math.min(left, WAIT_SLICE_NANOS));
        left = deadline - SystemClock.INSTANCE.nanoTime();
      }
    } finally {
      waiter = null;
    }
  }

  /**
   * Composes the next message of a fed work from what its threads staged: the source and, for bytes, the size are
   * observations of the world, recorded (1 + the source; the size), and a replay's recorded ones are waited for.
   * A recorded 0 (a shrunk schedule, or a replay past its end) takes what is there, as a live run does. Returns the
   * message's handle, or STOP. Loop thread.
   */
  private Object takeStaged(SimHooks s, RealWorkItem item, WorkFeed feed, long deadline) {
    int source = s.observe(item.fedOrdinal, feed.sources() + 1, () -> {
      feed.settle(s.quietGraceNanos(), deadline, s::failed);
      return 1 + feed.first();
    }) - 1;
    if (!holding(s, item, feed, source, 1, deadline)) {
      return Outcome.STOP;
    }
    int amount = 1;
    if (feed.isBytes(source)) {
      amount = s.observe(item.fedOrdinal, WorkFeed.MAX_TAKE + 1, () -> feed.livePiece(source));
      if (!holding(s, item, feed, source, amount, deadline)) {
        return Outcome.STOP;
      }
    }
    Handle h = new Handle(loop, feed.take(source, amount), loop.currentContext().copy(),
        loop.debugTrace("handle created at"));
    s.event(SimHooks.EV_PIECE, ((long) item.number << 40) | ((long) source << 32) | amount);
    queuedMessages.put(h, item.owner());
    return h;
  }

  /**
   * Waits until {@code feed}'s {@code source} holds {@code amount}, as a replay's recorded observation says it will;
   * false (the run stops) if the watchdog expires first, a failure was recorded, or the source ended holding less:
   * then the child did not do what the recorded run saw it do, and the run fails as NONDETERMINISM.
   */
  private static boolean holding(SimHooks s, RealWorkItem item, WorkFeed feed, int source, int amount,
      long deadline) {
    return switch (feed.awaitHolding(source, amount, deadline, s::failed)) {
      case HELD -> true;
      case STOPPED -> false;
      case ENDED_SHORT -> {
        s.replayDiverged("the replay took " + amount + (feed.isBytes(source) ? " B" : " event(s)") + " of "
            + item.name() + "'s " + feed.name(source) + ", as the recorded run did, but it ended holding "
            + feed.staged(source) + " (" + feed + "): the child did not do what it did in the recorded run (its"
            + " output depends on something besides its input, or the schedule was recorded for another test)");
        yield false;
      }
      case EXPIRED -> {
        s.realWaitExpired(item.name() + ", whose " + feed.name(source) + " the replay waited for (" + amount
            + " as recorded; " + feed + ")");
        yield false;
      }
    };
  }

  /** Notes the owners of external events about to be ordered: their sending threads', for each thread's first. */
  void noteSenders(Handle[] external, Object[] senders) {
    for (int i = 0; i < external.length; i++) {
      if (senders[i] instanceof Thread t) {
        unattributed++;
        Long id = foreignSenders.get(t);
        if (id == null) {
          id = FOREIGN_OWNERS - foreignSenders.size();
          foreignSenders.put(t, id);
        }
        externalOwners.put(external[i], id);
      }
    }
  }

  /** Forgets what {@link #noteSenders} noted, once the events are queued. */
  void clearSenders() {
    externalOwners.clear();
  }

  /** The owner of an external event being ordered, or of a work's message queued, or -1. */
  long externalOwner(Handle h) {
    Long id = externalOwners.isEmpty() ? null : externalOwners.get(h);
    if (id == null && !queuedMessages.isEmpty()) {
      id = queuedMessages.get(h);
    }
    return id == null ? -1 : id;
  }

  /** A callback is about to run: it is no longer a queued message of a work. */
  void ran(Handle h) {
    if (!queuedMessages.isEmpty()) {
      queuedMessages.remove(h);
    }
  }

  /** How many works are open as the loop sees them. */
  int open() {
    return items.size();
  }
}
