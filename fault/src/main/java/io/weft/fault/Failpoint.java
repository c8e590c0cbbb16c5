package io.weft.fault;

import io.weft.Api;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One failpoint's rule: the name user code evaluates ({@link Failpoints#eval}, {@link Failpoints#returnEarly}) and
 * the actions it may take there, each with a probability and an optional count. Plain data with a printable form,
 * read from a {@link FaultPlan} ({@code failpoint db.commit: 10% throw(java.io.IOException: disk full)}) in a
 * simulation, or from the {@value Failpoints#PROPERTY} system property in production.
 *
 * <h2>Actions</h2>
 *
 * <p>As fail-rs's and FreeBSD fail(9)'s, in the forms that fit Java and asyncio-style code:
 *
 * <ul>
 *   <li>{@code throw(pkg.SomeException)} or {@code throw(pkg.SomeException: message)}: throws a new instance, made
 *       with the class's {@code (String)} constructor (or its no-argument one when there is no message and no such
 *       constructor). Any {@link Throwable}, checked exceptions included: {@link Failpoints#eval} throws them without
 *       declaring them, as the code around the point would.
 *   <li>{@code delay(10ms)} (durations in {@code ns}, {@code us}, {@code ms}, {@code s}): inside a task the task
 *       sleeps ({@code Weft.sleep}: it suspends, and in a simulation it takes virtual time); see
 *       {@link Failpoints} for what a delay does outside a task.
 *   <li>{@code return}: the point's {@link Failpoints#returnEarly} returns true, so the caller returns early.
 * </ul>
 *
 * <p>Each action may start with a probability ({@code 10%}; 100% when omitted) and a count
 * ({@code 3*}: the action fires at most 3 times, per simulated run or per production JVM; unlimited when omitted),
 * in fail-rs's order: {@code 10% 3* throw(java.io.IOException)}. A point's actions are alternatives: at each
 * evaluation at most one fires, action {@code i} with its probability, and none with what is left ({@code 1 - sum});
 * the probabilities must add up to at most 100%. A message must not contain {@code ;} (it separates rules).
 *
 * @param name the failpoint's name: no whitespace and none of {@code :;=,()}
 * @param actions what it may do, in order; never empty
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record Failpoint(String name, List<Action> actions) {

  /** Checks the name and the probabilities, and copies the actions. */
  public Failpoint {
    checkName(name);
    Objects.requireNonNull(actions, "actions must not be null");
    actions = List.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("failpoint " + name + " needs at least one action (throw(...), delay(...)"
          + " or return)");
    }
    double sum = 0;
    for (Action a : actions) {
      sum += a.probability();
    }
    if (sum > 1 + 1e-9) {
      throw new IllegalArgumentException("the probabilities of failpoint " + name + "'s actions add up to "
          + percent(sum) + ", more than the 100% they may share: " + actionsText(actions));
    }
  }

  /** What a failpoint may do when it fires: its probability and count, and the effect. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public sealed interface Action {
    /** The probability that this action fires at an evaluation, 0-1. */
    double probability();

    /** How many times it may fire at most; 0 for no limit. */
    int count();

    /** The effect's printable form, without probability and count ({@code delay(10ms)}). */
    String effect();
  }

  /**
   * Throws a new {@code exception} with {@code message} (null for none).
   *
   * @param exception the binary name of a {@link Throwable} subclass with a {@code (String)} or no-argument
   *     constructor, loadable when the rule is made
   * @param message the message, or null
   * @param probability 0-1
   * @param count at most this many times, 0 for no limit
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Throw(String exception, String message, double probability, int count) implements Action {
    /** Checks the class and the numbers. */
    public Throw {
      Objects.requireNonNull(exception, "exception must not be null");
      checkOdds(probability, count);
      constructor(exception, message);
    }

    /** A new instance of the exception, made at the failpoint so its stack trace is the caller's. */
    Throwable create() {
      Constructor<? extends Throwable> c = constructor(exception, message);
      try {
        return c.getParameterCount() == 1 ? c.newInstance(message) : c.newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("failpoint could not make a " + exception + ": " + e, e);
      }
    }

    @Override
    public String effect() {
      return "throw(" + exception + (message == null ? "" : ": " + message) + ")";
    }
  }

  /**
   * Delays the caller by {@code nanos}.
   *
   * @param nanos at least 0
   * @param probability 0-1
   * @param count at most this many times, 0 for no limit
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Delay(long nanos, double probability, int count) implements Action {
    /** Checks the numbers. */
    public Delay {
      if (nanos < 0) {
        throw new IllegalArgumentException("a failpoint's delay must not be negative, got " + nanos + " ns");
      }
      checkOdds(probability, count);
    }

    @Override
    public String effect() {
      return "delay(" + Durations.format(nanos) + ")";
    }
  }

  /**
   * Makes {@link Failpoints#returnEarly} return true.
   *
   * @param probability 0-1
   * @param count at most this many times, 0 for no limit
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Return(double probability, int count) implements Action {
    /** Checks the numbers. */
    public Return {
      checkOdds(probability, count);
    }

    @Override
    public String effect() {
      return "return";
    }
  }

  /**
   * Reads a failpoint's actions, {@code 10% throw(java.io.IOException: disk full), 5% 2* delay(10ms)}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and what was expected
   */
  public static Failpoint parse(String name, String actions) {
    checkName(name);
    Objects.requireNonNull(actions, "actions must not be null");
    List<Action> out = new ArrayList<>();
    for (String a : PlanText.splitTopLevel(actions)) {
      out.add(parseAction(name, a));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("failpoint " + name + " needs at least one action (throw(...), delay(...)"
          + " or return), got \"" + actions.strip() + "\"");
    }
    return new Failpoint(name, out);
  }

  private static Action parseAction(String name, String text) {
    String t = text.strip();
    String where = "in failpoint " + name + "'s action \"" + t + "\"";
    double p = 1;
    int pct = t.indexOf('%');
    int open = t.indexOf('(');
    if (pct >= 0 && (open < 0 || pct < open)) {
      p = number(t.substring(0, pct), where, "a probability (\"10%\")") / 100;
      t = t.substring(pct + 1).strip();
    }
    int count = 0;
    int star = t.indexOf('*');
    open = t.indexOf('(');
    if (star >= 0 && (open < 0 || star < open)) {
      double c = number(t.substring(0, star), where, "a count (\"3*\")");
      if (c != Math.rint(c) || c < 1 || c > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a failpoint's count is a whole number of at least 1 (\"3*\"), got \""
            + t.substring(0, star).strip() + "\" " + where);
      }
      count = (int) c;
      t = t.substring(star + 1).strip();
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("return")) {
      return new Return(checkProbability(p, where), count);
    }
    if (lower.startsWith("delay(") && t.endsWith(")")) {
      return new Delay(Durations.parse(t.substring(6, t.length() - 1)), checkProbability(p, where), count);
    }
    if (lower.startsWith("throw(") && t.endsWith(")")) {
      String inner = t.substring(6, t.length() - 1);
      int colon = inner.indexOf(':');
      String cls = (colon < 0 ? inner : inner.substring(0, colon)).strip();
      String message = colon < 0 ? null : inner.substring(colon + 1).strip();
      return new Throw(cls, message, checkProbability(p, where), count);
    }
    throw new IllegalArgumentException("unknown failpoint action \"" + t + "\" " + where + ": expected"
        + " [probability%] [count*] throw(ExceptionClass[: message]), delay(duration) or return");
  }

  private static double number(String text, String where, String expected) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + expected + ", got \"" + text.strip() + "\" " + where, e);
    }
  }

  private static double checkProbability(double p, String where) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("a failpoint's probability must be in 0%-100%, got "
          + percent(p) + " " + where);
    }
    return p;
  }

  private static void checkOdds(double probability, int count) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("a failpoint's probability must be in 0-1, got " + probability);
    }
    if (count < 0) {
      throw new IllegalArgumentException("a failpoint's count must be at least 0 (0: no limit), got " + count);
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isEmpty() || name.chars().anyMatch(ch -> Character.isWhitespace(ch) || ":;=,()".indexOf(ch) >= 0)) {
      throw new IllegalArgumentException("a failpoint's name is a word without whitespace or any of :;=,()"
          + " (e.g. \"db.commit\"), got \"" + name + "\"");
    }
  }

  /** The exception's constructor: {@code (String)}, or {@code ()} when there is no message. */
  @SuppressWarnings("unchecked")
  static Constructor<? extends Throwable> constructor(String exception, String message) {
    Class<?> c;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      c = Class.forName(exception, false, loader != null ? loader : Failpoint.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("a failpoint throws a Throwable named by its binary name"
          + " (e.g. java.io.IOException), but no class \"" + exception + "\" could be loaded", e);
    }
    if (!Throwable.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException("a failpoint throws a Throwable, but " + exception + " is not one");
    }
    Class<? extends Throwable> t = (Class<? extends Throwable>) c;
    try {
      return t.getConstructor(String.class);
    } catch (NoSuchMethodException e) {
      if (message == null) {
        try {
          return t.getConstructor();
        } catch (NoSuchMethodException e2) {
          e.addSuppressed(e2);
        }
      }
      throw new IllegalArgumentException("a failpoint makes its exception with a public (String) constructor"
          + (message == null ? " or a public no-argument one" : "") + ", but " + exception + " has none", e);
    }
  }

  /** {@code 0.1} as {@code 10%}. */
  static String percent(double p) {
    return String.format(Locale.ROOT, "%.4g%%", p * 100).replaceAll("\\.?0+%$", "%");
  }

  private static String actionsText(List<Action> actions) {
    List<String> parts = new ArrayList<>();
    for (Action a : actions) {
      parts.add(actionText(a));
    }
    return String.join(", ", parts);
  }

  private static String actionText(Action a) {
    return (a.probability() == 1 ? "" : percent(a.probability()) + " ")
        + (a.count() == 0 ? "" : a.count() + "* ") + a.effect();
  }

  /** The actions' printable form, which {@link #parse} reads back. */
  public String actionsText() {
    return actionsText(actions);
  }

  /** The rule's printable form in a fault plan: {@code failpoint db.commit: 10% throw(java.io.IOException)}. */
  @Override
  public String toString() {
    return "failpoint " + name + ": " + actionsText();
  }
}
