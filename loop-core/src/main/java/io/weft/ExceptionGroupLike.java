package io.weft;

import java.util.List;
import java.util.function.Predicate;

/**
 * What every exception group offers, whichever kind it is: Python's {@code BaseExceptionGroup} protocol.
 *
 * <p>Java cannot make {@link ExceptionGroup} (an ordinary, {@link RuntimeException} group) a subclass of
 * {@link BaseExceptionGroup} (a {@link BaseError} group, which {@code catch (Exception e)} must not catch), as Python
 * does. This sealed interface is their common type: test {@code e instanceof ExceptionGroupLike g} where Python
 * writes {@code isinstance(e, BaseExceptionGroup)}, and {@code switch} over the two kinds to rethrow one.
 *
 * <p>A group is immutable: its message and its ordered list of exceptions never change. Groups nest: a member may be
 * a group itself.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public sealed interface ExceptionGroupLike permits ExceptionGroup, BaseExceptionGroup {

  /** Returns the message the group was created with, without the sub-exception count; never null. */
  String message();

  /** Returns the group's exceptions in order; never empty, unmodifiable. */
  List<Throwable> exceptions();

  /** Returns this group as the throwable it is. */
  Throwable asThrowable();

  /**
   * Splits the group by {@code condition}, keeping its nesting: the part whose leaves match and the part whose leaves
   * do not, each null if empty. The condition is tried on the group itself and on every nested group first; a group
   * that matches as a whole goes to the matching part unchanged. New parts are made with {@link #derive} and take
   * this group's cause and stack trace.
   */
  Split<? extends ExceptionGroupLike> split(Predicate<? super Throwable> condition);

  /** Splits by the exceptions that are instances of {@code type}; see {@link #split(Predicate)}. */
  Split<? extends ExceptionGroupLike> split(Class<? extends Throwable> type);

  /** Returns the matching part of {@link #split(Predicate)}, or null if nothing matches. */
  ExceptionGroupLike subgroup(Predicate<? super Throwable> condition);

  /** Returns the part of the group whose exceptions are instances of {@code type}, or null if there are none. */
  ExceptionGroupLike subgroup(Class<? extends Throwable> type);

  /**
   * Returns a new group with this group's message and {@code exceptions}; {@link #split} and {@link #subgroup} call it
   * to build their parts, so a subclass overrides it to keep its own type.
   */
  ExceptionGroupLike derive(List<? extends Throwable> exceptions);

  /**
   * The two parts of a {@linkplain ExceptionGroupLike#split split}.
   *
   * @param match the group of the matching exceptions, or null if none matched
   * @param rest the group of the others, or null if all matched
   * @param <G> the kind of group of the parts
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  record Split<G extends ExceptionGroupLike>(G match, G rest) {}
}
