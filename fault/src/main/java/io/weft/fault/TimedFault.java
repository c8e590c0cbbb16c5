package io.weft.fault;

import io.weft.Api;

/**
 * A fault that lasts or delays: with {@code probability}, for {@code nanos} of virtual time. Written
 * {@code P/D} in a plan ({@code partition=1%/200ms}).
 *
 * @param probability how likely each send is to meet it, 0-1; 0 for none
 * @param nanos how long it lasts or delays, more than 0 when {@code probability} is
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record TimedFault(double probability, long nanos) {

  /** No such fault. */
  public static final TimedFault NONE = new TimedFault(0, 0);

  /** Checks the fields. */
  public TimedFault {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("a probability in 0-1 (0%-100%), got " + probability);
    }
    if (probability > 0 && nanos <= 0) {
      throw new IllegalArgumentException("a fault that lasts or delays takes more than 0, got "
          + Durations.format(nanos));
    }
  }

  /** Whether the fault can happen. */
  public boolean on() {
    return probability > 0;
  }

  /** {@code P/D}, as a plan writes it. */
  @Override
  public String toString() {
    return PlanDecisions.percent(probability) + "/" + Durations.format(nanos);
  }
}
