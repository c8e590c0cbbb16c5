package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.internal.Carrier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loop on virtual time per test, on the carrier a nested {@link OnCarrier} group chooses, whose exception handler
 * must receive nothing: the fixture the combinator tests share.
 */
abstract class VirtualLoopFixture {

  EventLoop.CarrierChoice carrierChoice = EventLoop.CarrierChoice.AUTO;
  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    if (carrierChoice == EventLoop.CarrierChoice.LOOP_SCHEDULED) {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
    }
    loop = TaskTests.virtualLoop(carrierChoice);
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    loop.close();
    assertThat(reports).as("exception handler reports").isEmpty();
  }

  /** A group of tests run on one carrier; subclass it once per carrier. */
  abstract class OnCarrier {
    OnCarrier(EventLoop.CarrierChoice carrier) {
      carrierChoice = carrier;
    }

    @Test
    void loop_usesTheChosenCarrier() {
      assertThat(loop.carrierName()).isEqualTo(carrierChoice == EventLoop.CarrierChoice.BATON ? "baton" : "loop");
    }
  }
}
