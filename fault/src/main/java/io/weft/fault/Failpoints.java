package io.weft.fault;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.Objects;

/**
 * Failpoints in user code, as fail-rs's {@code fail_point!} and FreeBSD's fail(9): a named point that a fault plan can
 * make throw a chosen exception, delay, or return early. Put one where a real fault could strike:
 *
 * <pre>{@code
 * void commit(Batch b) throws IOException {
 *   Failpoints.eval("db.commit");                 // may throw or delay, as configured
 *   ...
 * }
 * Value fill(Key k) {
 *   if (Failpoints.returnEarly("cache.fill")) {   // may also throw or delay
 *     return null;
 *   }
 *   ...
 * }
 * }</pre>
 *
 * <h2>Off</h2>
 *
 * <p>Unless configured, a failpoint does nothing: it checks a {@code static final} and a constant call site that only
 * building a fault plan with failpoints changes, both of which the JIT can fold: no allocation, no lookup, and no cost
 * {@code FailpointBench} could measure.
 *
 * <h2>In a simulation</h2>
 *
 * <p>The {@link FaultPlan} applied to the simulation's network configures them, with rules such as
 * {@code failpoint db.commit: 10% throw(java.io.IOException: disk full), 5% delay(10ms)} ({@link Failpoint}). Each
 * evaluation of a point the plan names is a decision of the run's scheduling strategy, as the network's faults are:
 * alternative 0 fires nothing, alternative {@code i} fires action {@code i} and has its probability. So FIFO never
 * fires one, RANDOM, PCT and POS fire them with the plan's odds, a failing run records them in its schedule, replays
 * them exactly, and shrinks toward none; a report names each fired failpoint, what it did and the caller's line
 * ({@code at 0.013500 s (virtual) failpoint db.commit threw java.io.IOException: disk full at Store.java:57}).
 * Inside a simulated loop only the plan decides: the system property below is ignored there.
 *
 * <h2>In production</h2>
 *
 * <p>Only by explicit configuration: the system property {@value #PROPERTY}, read once when this class loads, as
 * {@code name=actions;name=actions}, e.g. {@code -Dweft.failpoints="db.commit=10%throw(java.io.IOException);
 * cache.fill=1%return"}. Decisions are drawn from a generator seeded by {@value #SEED_PROPERTY} (a random seed when
 * unset); the configuration and the seed are logged once (logger {@code io.weft}, WARNING), and each fired failpoint
 * at DEBUG, with what it did and the caller's line. A bad value fails the first failpoint evaluated, with an
 * {@link ExceptionInInitializerError} whose cause names the value and what was expected.
 *
 * <h2>Actions</h2>
 *
 * <ul>
 *   <li>throw: {@link #eval} and {@link #returnEarly} throw the configured exception, checked or not, without
 *       declaring it (so put a failpoint where the code may really throw it).
 *   <li>delay: inside a task the task sleeps ({@link Weft#sleep}), so it suspends and in a simulation takes virtual
 *       time. On a thread without a running loop the thread sleeps. On a loop's thread outside any task (a callback
 *       or a protocol method) the production loop is blocked for the delay, as a slow callback would; in a simulation
 *       that is an {@link IllegalStateException}, since a callback cannot take virtual time.
 *   <li>return: {@link #returnEarly} returns true; at an {@link #eval} point, which cannot return early, it is an
 *       {@link IllegalStateException} naming the point and the caller's line.
 * </ul>
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Failpoints {

  /** The system property that turns failpoints on in production: {@code name=actions;name=actions}. */
  public static final String PROPERTY = "weft.failpoints";

  /** The system property with the production generator's seed (a long). */
  public static final String SEED_PROPERTY = "weft.failpoints.seed";

  /** The production configuration, or null: failpoints are off outside simulations. */
  private static final ProductionFailpoints PRODUCTION = ProductionFailpoints.fromSystemProperties();

  private Failpoints() {}

  /**
   * Evaluates failpoint {@code name}: returns at once when it is not configured; otherwise may throw the configured
   * exception or delay the caller.
   *
   * @throws IllegalStateException if the point fired a {@code return}, which this form cannot do
   */
  public static void eval(String name) {
    if (PRODUCTION == null && !SimulatedFailpoints.armed()) {
      return;
    }
    evaluate(name, false);
  }

  /**
   * Evaluates failpoint {@code name} and returns whether the caller should return early: false at once when it is not
   * configured; otherwise may also throw the configured exception or delay the caller.
   */
  public static boolean returnEarly(String name) {
    if (PRODUCTION == null && !SimulatedFailpoints.armed()) {
      return false;
    }
    return evaluate(name, true);
  }

  /** Whether failpoints were turned on in this JVM by the {@value #PROPERTY} system property. */
  public static boolean enabledInProduction() {
    return PRODUCTION != null;
  }

  private static boolean evaluate(String name, boolean canReturn) {
    Objects.requireNonNull(name, "a failpoint's name must not be null");
    if (Simulation.isSimulated()) {
      return SimulatedFailpoints.evaluate(name, canReturn);
    }
    return PRODUCTION != null && PRODUCTION.evaluate(name, canReturn);
  }

  /** Does what {@code action} of {@code point} does; returns true for a return. */
  static boolean perform(Failpoint point, Failpoint.Action action, boolean canReturn, boolean simulated) {
    switch (action) {
      case Failpoint.Throw t -> throw Failpoints.<RuntimeException>sneaky(t.create());
      case Failpoint.Delay d -> delay(point, d, simulated);
      case Failpoint.Return r -> {
        if (!canReturn) {
          throw new IllegalStateException("failpoint " + point.name() + " fired return at " + callerSite()
              + ", but Failpoints.eval cannot return early: evaluate it with Failpoints.returnEarly, or drop return"
              + " from its actions (" + point.actionsText() + ")");
        }
        return true;
      }
    }
    return false;
  }

  private static void delay(Failpoint point, Failpoint.Delay d, boolean simulated) {
    EventLoop loop = EventLoop.running();
    if (loop != null && Weft.currentTask() != null) {
      Weft.sleep(Duration.ofNanos(d.nanos()));
      return;
    }
    if (simulated) {
      throw new IllegalStateException("failpoint " + point.name() + " fired " + d.effect() + " at " + callerSite()
          + " outside any task: a callback on a simulated loop cannot take virtual time; evaluate it in a task");
    }
    try {
      Thread.sleep(Duration.ofNanos(d.nanos()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What firing {@code action} of {@code point} did, in words, with the caller's line. */
  static String describe(Failpoint point, Failpoint.Action action) {
    String what = switch (action) {
      case Failpoint.Throw t -> "threw " + t.exception() + (t.message() == null ? "" : ": " + t.message());
      case Failpoint.Delay d -> "delayed the caller " + Durations.format(d.nanos());
      case Failpoint.Return r -> "returned early";
    };
    return "failpoint " + point.name() + " " + what + " at " + callerSite();
  }

  /** The classes whose frames are the failpoint's own, not the caller's. */
  private static final java.util.Set<String> OWN = java.util.Set.of(Failpoints.class.getName(),
      Failpoint.class.getName(), SimulatedFailpoints.class.getName(), ProductionFailpoints.class.getName());

  private static String topLevel(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }

  /** The file and line of the first frame outside the failpoint classes: the user's call. */
  static String callerSite() {
    return StackWalker.getInstance().walk(frames -> frames
        .filter(f -> !OWN.contains(topLevel(f.getClassName())) && !f.getClassName().startsWith("io.weft.sim.")
            && !f.getClassName().startsWith("io.weft.internal.") && !f.getClassName().startsWith("io.weft.KernelImpl")
            && !f.getClassName().startsWith("java.lang.invoke."))
        .findFirst()
        .map(f -> f.getFileName() + ":" + f.getLineNumber())
        .orElse("an unknown line"));
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
