package io.weft.internal;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;


/**
 * Runs task bodies as coroutines: the one internal SPI behind which the coroutine mechanism hides.
 *
 * <p>Three implementations, chosen once per loop:
 *
 * <ul>
 *   <li>{@link LoopScheduledCarrier}: each body is a virtual thread whose scheduler is the loop itself, so the loop
 *       thread runs the body's continuation directly (about 120 ns a switch). Needs the JDK's package-private
 *       virtual-thread builder constructor, reached with {@code --add-opens java.base/java.lang=...}.
 *   <li>{@link BatonCarrier}: each body is an ordinary virtual thread, and the loop (itself run on a virtual thread)
 *       passes a baton to it and waits for it back. Deterministic too, several times slower; used when the
 *       add-opens is missing, and said so once.
 *   <li>{@link ContinuationCarrier} (EXPERIMENTAL, only when asked for by name): each body is a raw
 *       {@code jdk.internal.vm.Continuation} run by the loop thread itself, with no virtual thread per task
 *       (Sleepers: 1.39 KB RSS per sleeping task against 1.96 on the loop carrier, benchmarks/RESULTS.md). Needs
 *       {@code --add-exports java.base/jdk.internal.vm=...} besides the add-opens. Bodies run on the loop thread:
 *       thread-locals and thread-owned locks are shared by the loop's tasks, a blocking call blocks the loop, a
 *       monitor held across an await deadlocks the loop if another of its tasks enters it, and an await while
 *       pinned (a critical section, a foreign upcall) throws {@link IllegalStateException}; see its class
 *       description.
 * </ul>
 *
 * <p>The system property {@code weft.carrier} ({@code loop}, {@code baton} or {@code continuation}) forces a choice.
 */
public interface Carrier {

  /** Returns a short name for reports: {@code loop}, {@code baton} or {@code continuation}. */
  String name();

  /** Creates a coroutine for {@code body}; nothing runs until its first {@link Coroutine#resume()}. */
  Coroutine create(Runnable body);

  /**
   * Runs the loop's iterations on a thread this carrier can drive, returning when {@code loopBody} does and
   * rethrowing what it throws. Sets the loop thread for the duration.
   */
  void runLoop(Runnable loopBody);

  /** Returns the thread currently running the loop, or null. */
  Thread loopThread();

  /**
   * Whether a body that blocks outside {@code suspend} ends the step (so the loop sees it blocked, and can wait for
   * its hand-back with {@link Coroutine#awaitHandBack}). False where a blocking call simply blocks the loop until it
   * returns (baton, continuation): there a blocking call in a task goes unnoticed.
   */
  default boolean handsBackBlocked() {
    return false;
  }

  /** Which carrier to use. */
  enum Kind {
    /** The loop-scheduled carrier if available, else the baton carrier. */
    AUTO,
    /** The loop-scheduled carrier; fails if the add-opens is missing. */
    LOOP,
    /** The baton carrier. */
    BATON,
    /** EXPERIMENTAL: raw continuations run on the loop thread; fails if the add-exports is missing. */
    CONTINUATION
  }

  /** Creates a carrier of {@code kind} for a loop; {@link Kind#AUTO} honours {@code -Dweft.carrier}. */
  static Carrier create(Kind kind, CarrierHost host) {
    if (kind == Kind.AUTO) {
      kind = resolveAuto();
      if (kind == Kind.BATON && System.getProperty("weft.carrier", "").isEmpty()) {
        Builders.warnOnce();
      }
    }
    if (kind == Kind.LOOP) {
      if (Builders.CONSTRUCTOR == null) {
        throw new IllegalStateException("the loop-scheduled carrier needs --add-opens java.base/java.lang="
            + Builders.moduleName() + ": " + Builders.FAILURE);
      }
      return new LoopScheduledCarrier(host);
    }
    if (kind == Kind.CONTINUATION) {
      if (!ContinuationCarrier.available()) {
        throw new IllegalStateException(ContinuationCarrier.unavailableReason());
      }
      return new ContinuationCarrier();
    }
    return new BatonCarrier();
  }

  /** The kind {@link Kind#AUTO} stands for now: {@code -Dweft.carrier} if set, else LOOP if available, else BATON. */
  static Kind resolveAuto() {
    String forced = System.getProperty("weft.carrier", "");
    return switch (forced) {
      case "loop" -> Kind.LOOP;
      case "baton" -> Kind.BATON;
      case "continuation" -> Kind.CONTINUATION;
      case "" -> Builders.CONSTRUCTOR != null ? Kind.LOOP : Kind.BATON;
      default -> throw new IllegalArgumentException(
          "system property weft.carrier must be 'loop', 'baton' or 'continuation', got '" + forced + "'");
    };
  }

  /** Returns whether the loop-scheduled carrier can be used in this JVM. */
  static boolean loopScheduledAvailable() {
    return Builders.CONSTRUCTOR != null;
  }

  /** Returns whether the experimental continuation carrier can be used in this JVM. */
  static boolean continuationAvailable() {
    return ContinuationCarrier.available();
  }

  /** The reflective access to {@code ThreadBuilders.VirtualThreadBuilder(Executor)}. */
  final class Builders {
    static final Constructor<?> CONSTRUCTOR;
    static final String FAILURE;
    private static volatile boolean warned;

    static {
      Constructor<?> c = null;
      String failure = null;
      try {
        Class<?> k = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
        c = k.getDeclaredConstructor(Executor.class);
        c.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException e) {
        c = null;
        failure = e.toString();
      }
      CONSTRUCTOR = c;
      FAILURE = failure;
    }

    private Builders() {}

    static String moduleName() {
      Module m = Carrier.class.getModule();
      return m.isNamed() ? m.getName() : "ALL-UNNAMED";
    }

    static Thread.Builder.OfVirtual newBuilder(Executor scheduler) {
      try {
        return (Thread.Builder.OfVirtual) CONSTRUCTOR.newInstance(scheduler);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create a loop-scheduled virtual-thread builder", e);
      }
    }

    static void warnOnce() {
      if (!warned) {
        warned = true;
        System.getLogger("io.weft").log(System.Logger.Level.WARNING, "Weft: the JVM lacks --add-opens java.base/java.lang=" + moduleName()
            + ", so tasks run on the baton carrier, which is several times slower (" + FAILURE + ")");
      }
    }
  }
}
