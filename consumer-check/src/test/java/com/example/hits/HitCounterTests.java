package com.example.hits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

import io.weft.Weft;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Plain JUnit tests beside the @AsyncTest ones: a Mockito store, Weft's real loop. */
class HitCounterTests {

  @Test
  void hit_savesEachNewCount() {
    HitCounter.Store store = mock(HitCounter.Store.class);
    HitCounter counter = new HitCounter(store);

    long second = Weft.run(() -> {
      counter.hit("/home");
      return counter.hit("/home");
    });

    assertThat(second).isEqualTo(2);
    InOrder saves = inOrder(store);
    saves.verify(store).save("/home", 1);
    saves.verify(store).save("/home", 2);
  }

  @Test
  void theJUnitInUse_isTheOneThisProjectChose() {
    // scripts/consumer-check.sh passes -Dexpected.junit.version; Surefire hands it to this JVM.
    String expected = System.getProperty("expected.junit.version");
    String actual = Test.class.getPackage().getImplementationVersion();
    if (expected != null) {
      assertThat(actual).isEqualTo(expected);
    }
  }
}
