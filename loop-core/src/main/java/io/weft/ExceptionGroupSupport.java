package io.weft;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What {@link ExceptionGroup} and {@link BaseExceptionGroup} share, which their different superclasses keep from
 * living in one base class: checking members, splitting, and printing. CPython's {@code Objects/exceptions.c}
 * ({@code exceptiongroup_split_recursive}, {@code exceptiongroup_subset}) is the reference for {@link #split}.
 */
final class ExceptionGroupSupport {
  private ExceptionGroupSupport() {}

  /** Checks a group's arguments and returns an unmodifiable copy of the exceptions. */
  static List<Throwable> checkedMembers(String message, List<? extends Throwable> exceptions, boolean allowBaseErrors) {
    Objects.requireNonNull(message, "message must not be null");
    Objects.requireNonNull(exceptions, "exceptions must not be null");
    if (exceptions.isEmpty()) {
      throw new IllegalArgumentException("exceptions must be a non-empty list, got []");
    }
    for (int i = 0; i < exceptions.size(); i++) {
      Throwable e = exceptions.get(i);
      if (e == null) {
        throw new IllegalArgumentException("exceptions[" + i + "] is null; a group holds exceptions only");
      }
      if (!allowBaseErrors && e instanceof BaseError) {
        throw new IllegalArgumentException("Cannot nest BaseErrors in an ExceptionGroup: exceptions[" + i + "] is "
            + e + "; use BaseExceptionGroup.of to get the right kind of group");
      }
    }
    return List.copyOf(exceptions);
  }

  /** Python's {@code str(eg)}: the message and the number of sub-exceptions. */
  static String describe(String message, int count) {
    return message + " (" + count + " sub-exception" + (count > 1 ? "s" : "") + ")";
  }

  /** The two parts of one level of a split, before they are typed. */
  record Parts(Throwable match, Throwable rest) {}

  static Parts split(Throwable exc, Predicate<? super Throwable> condition, boolean constructRest) {
    if (condition.test(exc)) {
      return new Parts(exc, null);
    }
    if (!(exc instanceof ExceptionGroupLike group)) {
      return new Parts(null, constructRest ? exc : null);
    }
    List<Throwable> matches = new ArrayList<>();
    List<Throwable> rests = new ArrayList<>();
    for (Throwable member : group.exceptions()) {
      Parts p = split(member, condition, constructRest);
      if (p.match != null) {
        matches.add(p.match);
      }
      if (p.rest != null) {
        rests.add(p.rest);
      }
    }
    return new Parts(subset(group, matches), constructRest ? subset(group, rests) : null);
  }

  /** A group like {@code original} holding {@code members}, or null if there are none. */
  private static Throwable subset(ExceptionGroupLike original, List<Throwable> members) {
    if (members.isEmpty()) {
      return null;
    }
    ExceptionGroupLike derived = original.derive(members);
    if (derived == null) {
      throw new IllegalStateException("derive() of " + original.asThrowable() + " returned null");
    }
    Throwable from = original.asThrowable();
    Throwable to = derived.asThrowable();
    to.setStackTrace(from.getStackTrace());
    Throwable cause = from.getCause();
    if (cause != null && to.getCause() == null) {
      try {
        to.initCause(cause);
      } catch (IllegalStateException | IllegalArgumentException alreadySet) {
        // derive() fixed the cause itself (possibly to null): keep what it chose.
      }
    }
    return derived.asThrowable();
  }

  static Predicate<Throwable> instanceOf(Class<? extends Throwable> type) {
    Objects.requireNonNull(type, "type must not be null");
    return type::isInstance;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Printing: after the group's own trace, each member's trace, indented, as Python's traceback module does
  // ------------------------------------------------------------------------------------------------------------

  static void printMembers(ExceptionGroupLike group, PrintStream out) {
    printMembers(group, out::println);
  }

  static void printMembers(ExceptionGroupLike group, PrintWriter out) {
    printMembers(group, out::println);
  }

  private static void printMembers(ExceptionGroupLike group, Consumer<String> println) {
    List<Throwable> members = group.exceptions();
    for (int i = 0; i < members.size(); i++) {
      println.accept("  +---------------- " + (i + 1) + " of " + members.size() + " ----------------");
      StringWriter w = new StringWriter();
      members.get(i).printStackTrace(new PrintWriter(w));
      w.toString().stripTrailing().lines().forEach(line -> println.accept("  | " + line));
    }
    println.accept("  +------------------------------------");
  }
}
