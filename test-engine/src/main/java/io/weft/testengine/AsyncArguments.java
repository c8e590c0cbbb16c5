package io.weft.testengine;

import io.weft.Api;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives an {@link AsyncTest} method its leading arguments from a factory method: every argument set runs under
 * every schedule, with shrinking, replay and the regression file working per argument set.
 *
 * <p>The factory is a static method without parameters, named {@code "method"} (in the test class or a superclass)
 * or {@code "fully.qualified.Class#method"}, returning a {@code Stream}, an {@code Iterable}, an {@code Iterator} or
 * an array. Each element is one argument set: an {@code Object[]} fills the first parameters, any other value the
 * first one. The remaining parameters are resolved as usual (the simulation's objects, then JUnit's resolvers).
 * The factory is called again for every run (each schedule, and each re-run that confirms or shrinks a failure), so
 * every run gets argument objects of its own, as it gets a test instance of its own; it must give the same sets, in
 * the same order, every time.
 *
 * <p>Invocations are named {@code [i] seed=0x… RANDOM FAITHFUL (a: args)}, with {@code a} the argument set's index;
 * the regression file keys a stored schedule by {@code Class#method[a]}, so reordering the factory's elements makes
 * stored schedules run against other arguments (they still run; a stale one usually passes with a warning that its
 * choices do not fit). Use it instead of {@code @ParameterizedTest}, which cannot be combined with
 * {@code @AsyncTest}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public @interface AsyncArguments {

  /** The factory method: {@code "method"} or {@code "fully.qualified.Class#method"}. */
  String value();
}
