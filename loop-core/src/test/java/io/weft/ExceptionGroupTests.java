package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Exception groups: Python's {@code ExceptionGroup}/{@code BaseExceptionGroup} (Lib/test/test_exception_group.py),
 * as the spec's table of Java mappings describes them: ordered members, nesting, split/subgroup/derive, and no
 * suppressed exceptions used for membership.
 */
class ExceptionGroupTests {

  static final class MyError extends RuntimeException {
    MyError(String m) {
      super(m);
    }
  }

  @Nested
  class Construction {

    @Test
    void exceptions_areKeptInOrder_andGetMessageCountsThemAsPythonsStr() {
      ValueErr a = new ValueErr("a");
      IOException b = new IOException("b");

      ExceptionGroup one = new ExceptionGroup("one", a);
      ExceptionGroup two = new ExceptionGroup("two", List.of(b, a));

      assertThat(one.exceptions()).containsExactly(a);
      assertThat(two.exceptions()).containsExactly(b, a);
      assertThat(one.message()).isEqualTo("one");
      assertThat(one.getMessage()).isEqualTo("one (1 sub-exception)");
      assertThat(two.getMessage()).isEqualTo("two (2 sub-exceptions)");
      assertThat(two.asThrowable()).isSameAs(two);
    }

    @Test
    void exceptions_isAnUnmodifiableCopy() {
      List<Throwable> source = new ArrayList<>(List.of(new ValueErr("a")));
      ExceptionGroup g = new ExceptionGroup("g", source);

      source.add(new ValueErr("b"));

      assertThat(g.exceptions()).hasSize(1);
      assertThatThrownBy(() -> g.exceptions().add(new ValueErr("c"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyList_throwsIllegalArgumentException() {
      assertThatThrownBy(() -> new ExceptionGroup("g", List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("non-empty");
      assertThatThrownBy(() -> new ExceptionGroup("g")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> BaseExceptionGroup.of("g", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullMember_throwsIllegalArgumentException_namingItsIndex() {
      assertThatThrownBy(() -> new ExceptionGroup("g", new ValueErr("a"), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceptions[1]");
      assertThatThrownBy(() -> new BaseExceptionGroup("g", Arrays.asList(null, new CancelledError())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceptions[0]");
    }

    @Test
    void nullMessage_throwsNullPointerException() {
      assertThatThrownBy(() -> new ExceptionGroup(null, new ValueErr("a"))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void exceptionGroup_holdingABaseError_throwsIllegalArgumentException_asPythonsTypeError() {
      assertThatThrownBy(() -> new ExceptionGroup("g", new ValueErr("a"), new CancelledError()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot nest BaseErrors")
          .hasMessageContaining("exceptions[1]");
      BaseExceptionGroup inner = new BaseExceptionGroup("inner", new KeyboardInterrupt());
      assertThatThrownBy(() -> new ExceptionGroup("g", inner)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_withOnlyOrdinaryExceptions_makesAnExceptionGroup() {
      ExceptionGroupLike g = BaseExceptionGroup.of("g", List.of(new ValueErr("a"), new AssertionError("b")));

      assertThat(g).isInstanceOf(ExceptionGroup.class);
      assertThat(g.message()).isEqualTo("g");
    }

    @Test
    void of_withABaseErrorAnywhereAtTheTopLevel_makesABaseExceptionGroup() {
      assertThat(BaseExceptionGroup.of("g", List.of(new ValueErr("a"), new CancelledError())))
          .isInstanceOf(BaseExceptionGroup.class);
      BaseExceptionGroup nested = new BaseExceptionGroup("n", new SystemExit(2));
      assertThat(BaseExceptionGroup.of("g", List.of(nested))).isInstanceOf(BaseExceptionGroup.class);
    }

    @Test
    void baseExceptionGroup_isNotCaughtByCatchException() {
      Throwable escaped = catchThrowable(() -> {
        try {
          throw new BaseExceptionGroup("g", new KeyboardInterrupt());
        } catch (Exception e) {
          throw new AssertionError("caught by catch (Exception e)", e);
        }
      });

      assertThat(escaped).isInstanceOf(BaseExceptionGroup.class).isInstanceOf(BaseError.class);
    }

    @Test
    void members_areNeitherCausesNorSuppressed() {
      ExceptionGroup g = new ExceptionGroup("g", new ValueErr("a"));

      assertThat(g.getCause()).isNull();
      assertThat(g.getSuppressed()).isEmpty();
    }

    @Test
    void theTwoKinds_areTheCasesOfOneSealedType() {
      ExceptionGroupLike g = BaseExceptionGroup.of("g", List.of(new ValueErr("a")));

      String kind = switch (g) {
        case ExceptionGroup e -> "ordinary " + e.exceptions().size();
        case BaseExceptionGroup b -> "base " + b.exceptions().size();
      };

      assertThat(kind).isEqualTo("ordinary 1");
    }
  }

  @Nested
  class Split {

    final ValueErr v1 = new ValueErr("v1");
    final ValueErr v2 = new ValueErr("v2");
    final MyError m1 = new MyError("m1");
    final IOException io = new IOException("io");
    final ExceptionGroup inner = new ExceptionGroup("inner", v2, m1);
    final ExceptionGroup outer = new ExceptionGroup("outer", v1, inner, io);

    @Test
    void split_byType_keepsTheNestingAndTheOrder_inBothParts() {
      var parts = outer.split(ValueErr.class);

      ExceptionGroup match = parts.match();
      assertThat(match.message()).isEqualTo("outer");
      assertThat(match.exceptions()).hasSize(2);
      assertThat(match.exceptions().get(0)).isSameAs(v1);
      ExceptionGroup matchInner = (ExceptionGroup) match.exceptions().get(1);
      assertThat(matchInner.message()).isEqualTo("inner");
      assertThat(matchInner.exceptions()).containsExactly(v2);

      ExceptionGroup rest = parts.rest();
      assertThat(rest.exceptions()).hasSize(2);
      assertThat(((ExceptionGroup) rest.exceptions().get(0)).exceptions()).containsExactly(m1);
      assertThat(rest.exceptions().get(1)).isSameAs(io);
    }

    @Test
    void split_omitsNestedGroupsThatWouldBeEmpty() {
      var parts = outer.split(IOException.class);

      assertThat(parts.match().exceptions()).containsExactly(io);
      assertThat(parts.rest().exceptions()).hasSize(2);
      assertThat(parts.rest().exceptions().get(1)).isInstanceOf(ExceptionGroup.class);
    }

    @Test
    void split_whenEverythingMatches_returnsTheSameGroupAndNoRest() {
      var parts = outer.split(Exception.class);

      assertThat(parts.match()).isSameAs(outer);
      assertThat(parts.rest()).isNull();
    }

    @Test
    void split_whenNothingMatches_returnsNoMatchAndANewGroupWithTheSameLeaves() {
      var parts = outer.split(IllegalStateException.class);

      assertThat(parts.match()).isNull();
      assertThat(parts.rest()).isNotSameAs(outer);
      assertThat(parts.rest().exceptions().get(0)).isSameAs(v1);
      assertThat(((ExceptionGroup) parts.rest().exceptions().get(1)).exceptions()).containsExactly(v2, m1);
    }

    @Test
    void split_triesTheConditionOnNestedGroupsToo() {
      var parts = outer.split(e -> e == inner);

      assertThat(parts.match().exceptions()).singleElement().isSameAs(inner);
      assertThat(parts.rest().exceptions()).containsExactly(v1, io);
    }

    @Test
    void split_copiesTheCauseAndStackTraceToTheParts() {
      IllegalStateException cause = new IllegalStateException("why");
      ExceptionGroup g = new ExceptionGroup("g", v1, io);
      g.initCause(cause);

      var parts = g.split(ValueErr.class);

      assertThat(parts.match().getCause()).isSameAs(cause);
      assertThat(parts.rest().getCause()).isSameAs(cause);
      assertThat(parts.match().getStackTrace()).isEqualTo(g.getStackTrace());
    }

    @Test
    void subgroup_isTheMatchingPart_orTheGroupItself_orNull() {
      assertThat(outer.subgroup(MyError.class).exceptions()).singleElement()
          .satisfies(e -> assertThat(((ExceptionGroup) e).exceptions()).containsExactly(m1));
      assertThat(outer.subgroup(e -> true)).isSameAs(outer);
      assertThat(outer.subgroup(IllegalStateException.class)).isNull();
    }

    @Test
    void derive_overriddenByASubclass_keepsTheSubclassThroughSplit() {
      class Tagged extends ExceptionGroup {
        final String tag;

        Tagged(String message, List<? extends Throwable> excs, String tag) {
          super(message, excs);
          this.tag = tag;
        }

        @Override
        public Tagged derive(List<? extends Throwable> excs) {
          return new Tagged(message(), excs, tag);
        }
      }
      Tagged g = new Tagged("t", List.of(v1, io), "blue");

      var parts = g.split(ValueErr.class);

      assertThat(parts.match()).isInstanceOf(Tagged.class);
      assertThat(((Tagged) parts.rest()).tag).isEqualTo("blue");
    }

    @Test
    void derive_ofAnExceptionGroup_withABaseError_throwsIllegalArgumentException() {
      assertThatThrownBy(() -> outer.derive(List.of(new CancelledError())))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitOfABaseExceptionGroup_givesAnOrdinaryGroupForThePartWithoutBaseErrors() {
      CancelledError c = new CancelledError("c");
      BaseExceptionGroup g = new BaseExceptionGroup("g", v1, c);

      var parts = g.split(CancelledError.class);

      assertThat(parts.match()).isInstanceOf(BaseExceptionGroup.class);
      assertThat(parts.match().exceptions()).containsExactly(c);
      assertThat(parts.rest()).isInstanceOf(ExceptionGroup.class);
      assertThat(parts.rest().exceptions()).containsExactly(v1);
      assertThat(g.subgroup(ValueErr.class)).isInstanceOf(ExceptionGroup.class);
      assertThat(g.derive(List.of(c))).isInstanceOf(BaseExceptionGroup.class);
    }
  }

  @Nested
  class Printing {

    @Test
    void printStackTrace_printsEveryMember_nestedOnesToo() {
      ExceptionGroup g = new ExceptionGroup("outer", new ValueErr("first"),
          new ExceptionGroup("inner", new MyError("deep")));
      StringWriter w = new StringWriter();

      g.printStackTrace(new PrintWriter(w));

      String text = w.toString();
      assertThat(text).contains("ExceptionGroup: outer (2 sub-exceptions)", "1 of 2", "ValueErr: first", "2 of 2",
          "ExceptionGroup: inner (1 sub-exception)", "MyError: deep");
      assertThat(text.indexOf("first")).isLessThan(text.indexOf("deep"));
    }
  }

  /** Python's ValueError, for readability. */
  static final class ValueErr extends RuntimeException {
    ValueErr(String m) {
      super(m);
    }
  }
}
