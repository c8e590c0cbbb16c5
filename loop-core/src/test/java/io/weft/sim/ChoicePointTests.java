package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A choice point's weights: uniform unless a fault plan gives them, and the weighted draw random strategies make. */
class ChoicePointTests {

  @Test
  void withoutWeights_theAlternativesAreEquallyLikely() {
    ChoicePoint p = new ChoicePoint(Decision.TIE, 4, i -> -1, 0);
    assertThat(p.weight(0)).isEqualTo(0.25);
    assertThat(p.weight(3)).isEqualTo(0.25);
    assertThat(p.draw(0.0)).isZero();
    assertThat(p.draw(0.74)).isEqualTo(2);
    assertThat(p.draw(0.999)).isEqualTo(3);
    assertThatThrownBy(() -> p.weight(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aFaultIsDrawnWithThePlansProbability() {
    double[] w = {0.95, 0.05};
    ChoicePoint p = new ChoicePoint(Decision.FAULT, 2, i -> -1, 7, i -> w[i]);
    assertThat(p.weight(1)).isEqualTo(0.05);
    assertThat(p.draw(0.9499)).isZero();
    assertThat(p.draw(0.95)).isEqualTo(1);
    SimRandom r = new SimRandom(42);
    int faults = 0;
    for (int i = 0; i < 10_000; i++) {
      faults += p.draw(r.nextDouble());
    }
    // 500 expected, standard deviation 21.8; the seed fixes the count, the bound is 5 sd.
    assertThat(faults).isBetween(391, 609);
  }
}
