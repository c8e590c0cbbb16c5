package io.weft;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Several ordinary exceptions raised together: Python's {@code ExceptionGroup}, as a {@link TaskGroup} raises it
 * when children fail.
 *
 * <p>The exceptions are kept in order (for a task group: the order the errors arrived, the body's last) and may
 * include groups, so groups nest. None may be a {@link BaseError}: a group holding one is a
 * {@link BaseExceptionGroup}, and {@link BaseExceptionGroup#of} picks the right kind. Use {@link #split} or
 * {@link #subgroup} where Python writes {@code except*}:
 *
 * <pre>{@code
 * try {
 *   TaskGroup.run(tg -> { ...; return null; });
 * } catch (ExceptionGroup eg) {
 *   var parts = eg.split(IOException.class);
 *   if (parts.match() != null) { retryLater(); }
 *   if (parts.rest() != null) { throw parts.rest(); }
 * }
 * }</pre>
 *
 * <p>The members are not {@linkplain Throwable#addSuppressed suppressed} exceptions and not causes; they are listed
 * by {@link #exceptions()}, and {@link #printStackTrace(PrintStream)} prints them after the group's own trace.
 * {@link #getMessage()} is Python's {@code str(eg)}: the message and the number of sub-exceptions.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public non-sealed class ExceptionGroup extends RuntimeException implements ExceptionGroupLike {
  private static final long serialVersionUID = 1L;

  private final String message;
  // Invariant: non-empty, unmodifiable, no null and no BaseError.
  private final List<Throwable> exceptions;

  /**
   * Creates a group.
   *
   * @param message what went wrong; never null
   * @param exceptions the members, in order; not empty, no nulls, no {@link BaseError}s
   * @throws IllegalArgumentException if {@code exceptions} is empty or holds a null or a {@link BaseError}
   */
  public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
    this(message, ExceptionGroupSupport.checkedMembers(message, exceptions, false), true);
  }

  /** Creates a group of the given exceptions; see {@link #ExceptionGroup(String, List)}. */
  public ExceptionGroup(String message, Throwable... exceptions) {
    this(message, java.util.Arrays.asList(Objects.requireNonNull(exceptions, "exceptions must not be null").clone()));
  }

  private ExceptionGroup(String message, List<Throwable> checked, boolean unused) {
    super(ExceptionGroupSupport.describe(message, checked.size()));
    this.message = message;
    this.exceptions = checked;
  }

  @Override
  public String message() {
    return message;
  }

  @Override
  public List<Throwable> exceptions() {
    return exceptions;
  }

  @Override
  public Throwable asThrowable() {
    return this;
  }

  /** Splits the group; both parts are ordinary groups. See {@link ExceptionGroupLike#split(Predicate)}. */
  @Override
  public Split<ExceptionGroup> split(Predicate<? super Throwable> condition) {
    ExceptionGroupSupport.Parts p = ExceptionGroupSupport.split(this, condition, true);
    return new Split<>((ExceptionGroup) p.match(), (ExceptionGroup) p.rest());
  }

  @Override
  public Split<ExceptionGroup> split(Class<? extends Throwable> type) {
    return split(ExceptionGroupSupport.instanceOf(type));
  }

  @Override
  public ExceptionGroup subgroup(Predicate<? super Throwable> condition) {
    return (ExceptionGroup) ExceptionGroupSupport.split(this, condition, false).match();
  }

  @Override
  public ExceptionGroup subgroup(Class<? extends Throwable> type) {
    return subgroup(ExceptionGroupSupport.instanceOf(type));
  }

  /**
   * Returns a new {@code ExceptionGroup} with this message and {@code exceptions}. Subclasses override it to keep
   * their type in {@link #split} and {@link #subgroup}.
   *
   * @throws IllegalArgumentException if {@code exceptions} is empty or holds a {@link BaseError}
   */
  @Override
  public ExceptionGroup derive(List<? extends Throwable> exceptions) {
    return new ExceptionGroup(message, exceptions);
  }

  /** Prints the group's stack trace, then each member's, indented. */
  @Override
  public void printStackTrace(PrintStream s) {
    super.printStackTrace(s);
    ExceptionGroupSupport.printMembers(this, s);
  }

  /** Prints the group's stack trace, then each member's, indented. */
  @Override
  public void printStackTrace(PrintWriter s) {
    super.printStackTrace(s);
    ExceptionGroupSupport.printMembers(this, s);
  }
}
