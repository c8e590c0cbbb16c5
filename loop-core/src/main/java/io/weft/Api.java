package io.weft;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public type with how much users may rely on it, in the manner of JUnit's {@code @API}.
 *
 * <p>Every public type in an exported package carries this annotation; a test fails the build otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Api(status = Api.Status.STABLE, since = "0.1")
public @interface Api {

  /** How stable the annotated type is. */
  Status status();

  /** The version in which the type first appeared with its current status. */
  String since();

  /** The stability levels, from least to most reliable. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  enum Status {
    /** Not for users: public only because Java's visibility rules require it. */
    INTERNAL,
    /** New; may change in a minor release. */
    EXPERIMENTAL,
    /** Supported; changes only with a major release. */
    STABLE
  }
}
