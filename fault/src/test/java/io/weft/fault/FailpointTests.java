package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A failpoint's rule as data: its printable forms in a fault plan and in the system property, and its errors. */
class FailpointTests {

  @Nested
  class PrintableForm {
    @Test
    void actionsReadWithProbabilityCountAndEffect() {
      Failpoint f = Failpoint.parse("db.commit",
          "10% throw(java.io.IOException: disk full), 5% 3* delay(10ms), 85% return");
      assertThat(f.actions()).containsExactly(new Failpoint.Throw("java.io.IOException", "disk full", 0.1, 0),
          new Failpoint.Delay(10_000_000, 0.05, 3), new Failpoint.Return(0.85, 0));
      assertThat(Failpoint.parse("x", "20%2*throw(java.lang.IllegalStateException)").actions()).containsExactly(
          new Failpoint.Throw("java.lang.IllegalStateException", null, 0.2, 2));
    }

    @Test
    void aPlanWithFailpointsReadsBackFromItsPrintedForm() {
      FaultPlan p = FaultPlan.parse("a->b: loss=1%; failpoint db.commit: 10% throw(java.io.IOException: disk full),"
          + " 5% delay(10ms); failpoint cache.fill: 2* return");
      assertThat(p.rules()).hasSize(1);
      assertThat(p.failpoints()).extracting(Failpoint::name).containsExactly("db.commit", "cache.fill");
      assertThat(p.toString()).isEqualTo("a->b: loss=1%; failpoint db.commit: 10% throw(java.io.IOException: disk"
          + " full), 5% delay(10ms); failpoint cache.fill: 2* return");
      assertThat(FaultPlan.parse(p.toString())).isEqualTo(p);
      assertThat(p).isNotEqualTo(FaultPlan.parse("a->b: loss=1%"));

      FaultPlan only = FaultPlan.builder().failpoint("db.commit", "50% return").build();
      assertThat(only.toString()).isEqualTo("failpoint db.commit: 50% return");
      assertThat(FaultPlan.parse(only.toString())).isEqualTo(only).isNotEqualTo(FaultPlan.NONE);
    }

    @Test
    void theProductionFormReadsBack() {
      List<Failpoint> fs = ProductionFailpoints.parse("db.commit=10%throw(java.io.IOException);cache.fill=1%return");
      assertThat(fs).containsExactly(Failpoint.parse("db.commit", "10% throw(java.io.IOException)"),
          Failpoint.parse("cache.fill", "1% return"));
      assertThat(new ProductionFailpoints(fs, 1).toString())
          .isEqualTo("db.commit=10% throw(java.io.IOException);cache.fill=1% return");
    }

    @Test
    void aThrowMakesANewInstanceEachTime_withTheMessage() {
      Failpoint.Throw t = new Failpoint.Throw("java.io.IOException", "disk full", 1, 0);
      Throwable a = t.create();
      assertThat(a).isExactlyInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(t.create()).isNotSameAs(a);
      assertThat(new Failpoint.Throw("java.lang.Exception", null, 1, 0).create()).hasMessage(null);
    }
  }

  @Nested
  class Errors {
    @Test
    void badRules_nameTheValue_andWhatWasExpected() {
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: 10% explode"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"explode\"")
          .hasMessageContaining("db.commit").hasMessageContaining("throw(ExceptionClass[: message]), delay(duration)"
              + " or return");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit 10% return"))
          .hasMessageContaining("failpoint NAME: actions").hasMessageContaining("db.commit 10% return");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: 70% return, 40% delay(1ms)"))
          .hasMessageContaining("add up to 110%").hasMessageContaining("100%")
          .hasMessageContaining("70% return, 40% delay(1ms)");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: 150% return"))
          .hasMessageContaining("0%-100%").hasMessageContaining("150%");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: ten% return"))
          .hasMessageContaining("probability").hasMessageContaining("\"ten\"");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: 1.5* return"))
          .hasMessageContaining("whole number").hasMessageContaining("\"1.5\"");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: delay(10)"))
          .hasMessageContaining("unit").hasMessageContaining("\"10\"");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint db.commit: "))
          .hasMessageContaining("at least one action");
      assertThatThrownBy(() -> FaultPlan.parse("failpoint a: return; failpoint a: 1% return"))
          .hasMessageContaining("failpoint a has two rules");
      assertThatThrownBy(() -> Failpoint.parse("db commit", "return"))
          .hasMessageContaining("\"db commit\"").hasMessageContaining("without whitespace");
    }

    @Test
    void aThrowNeedsALoadableThrowable_withAUsableConstructor() {
      assertThatThrownBy(() -> Failpoint.parse("p", "throw(com.example.NoSuchException)"))
          .hasMessageContaining("\"com.example.NoSuchException\"").hasMessageContaining("binary name");
      assertThatThrownBy(() -> Failpoint.parse("p", "throw(java.lang.String: x)"))
          .hasMessageContaining("java.lang.String is not one");
      assertThatThrownBy(() -> Failpoint.parse("p", "throw(java.nio.BufferOverflowException: x)"))
          .hasMessageContaining("(String) constructor")
          .hasMessageContaining("java.nio.BufferOverflowException has none");
      assertThat(Failpoint.parse("p", "throw(java.nio.BufferOverflowException)").actions().get(0))
          .isInstanceOfSatisfying(Failpoint.Throw.class, t -> assertThat(t.create())
              .isInstanceOf(java.nio.BufferOverflowException.class));
    }

    @Test
    void theProductionForm_namesTheProperty() {
      assertThatThrownBy(() -> ProductionFailpoints.parse("db.commit:10%return"))
          .hasMessageContaining("-Dweft.failpoints").hasMessageContaining("name=actions")
          .hasMessageContaining("\"db.commit:10%return\"");
      assertThatThrownBy(() -> new ProductionFailpoints(ProductionFailpoints.parse("a=return;a=1%return"), 1))
          .hasMessageContaining("failpoint a is configured twice");
    }
  }
}
