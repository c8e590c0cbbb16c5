package io.weft;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Several exceptions raised together, at least one a {@link BaseError}: Python's {@code BaseExceptionGroup}.
 *
 * <p>A {@link BaseError} itself, so {@code catch (Exception e)} does not catch a group that carries a cancellation
 * or an interrupt, as {@code except Exception} does not in Python. {@link #of} is Python's
 * {@code BaseExceptionGroup(message, exceptions)}: it makes an {@link ExceptionGroup} when no member is a
 * {@link BaseError} and a {@code BaseExceptionGroup} otherwise. Everything else is as for {@link ExceptionGroup}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public non-sealed class BaseExceptionGroup extends BaseError implements ExceptionGroupLike {
  private static final long serialVersionUID = 1L;

  private final String message;
  // Invariant: non-empty, unmodifiable, no null.
  private final List<Throwable> exceptions;

  /**
   * Returns a group of {@code exceptions}: an {@link ExceptionGroup} if none is a {@link BaseError}, a
   * {@code BaseExceptionGroup} otherwise.
   *
   * @throws IllegalArgumentException if {@code exceptions} is empty or holds a null
   */
  public static ExceptionGroupLike of(String message, List<? extends Throwable> exceptions) {
    List<Throwable> checked = ExceptionGroupSupport.checkedMembers(message, exceptions, true);
    for (Throwable e : checked) {
      if (e instanceof BaseError) {
        return new BaseExceptionGroup(message, checked);
      }
    }
    return new ExceptionGroup(message, checked);
  }

  /**
   * Creates a group; it may hold ordinary exceptions only, but {@link #of} then makes an {@link ExceptionGroup}.
   *
   * @param message what went wrong; never null
   * @param exceptions the members, in order; not empty, no nulls
   * @throws IllegalArgumentException if {@code exceptions} is empty or holds a null
   */
  public BaseExceptionGroup(String message, List<? extends Throwable> exceptions) {
    this(message, ExceptionGroupSupport.checkedMembers(message, exceptions, true), true);
  }

  /** Creates a group of the given exceptions; see {@link #BaseExceptionGroup(String, List)}. */
  public BaseExceptionGroup(String message, Throwable... exceptions) {
    this(message, java.util.Arrays.asList(Objects.requireNonNull(exceptions, "exceptions must not be null").clone()));
  }

  private BaseExceptionGroup(String message, List<Throwable> checked, boolean unused) {
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

  /** Splits the group; a part with no {@link BaseError} left is an {@link ExceptionGroup}. */
  @Override
  public Split<ExceptionGroupLike> split(Predicate<? super Throwable> condition) {
    ExceptionGroupSupport.Parts p = ExceptionGroupSupport.split(this, condition, true);
    return new Split<>((ExceptionGroupLike) p.match(), (ExceptionGroupLike) p.rest());
  }

  @Override
  public Split<ExceptionGroupLike> split(Class<? extends Throwable> type) {
    return split(ExceptionGroupSupport.instanceOf(type));
  }

  @Override
  public ExceptionGroupLike subgroup(Predicate<? super Throwable> condition) {
    return (ExceptionGroupLike) ExceptionGroupSupport.split(this, condition, false).match();
  }

  @Override
  public ExceptionGroupLike subgroup(Class<? extends Throwable> type) {
    return subgroup(ExceptionGroupSupport.instanceOf(type));
  }

  /**
   * Returns {@link #of}{@code (message(), exceptions)}, as Python's {@code BaseExceptionGroup.derive}: an
   * {@link ExceptionGroup} when no member is a {@link BaseError}. Subclasses override it to keep their type.
   */
  @Override
  public ExceptionGroupLike derive(List<? extends Throwable> exceptions) {
    return of(message, exceptions);
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
